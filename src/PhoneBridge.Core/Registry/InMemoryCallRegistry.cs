using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;

namespace PhoneBridge.Core.Registry;

/// <summary>
/// The default <see cref="ICallRegistry"/>: entries live in this process, each with its own
/// <see cref="TimeProvider"/> timer that expires it when the media socket does not connect in time.
/// </summary>
public sealed class InMemoryCallRegistry : ICallRegistry, IAsyncDisposable, IDisposable
{
    // Longer tokens are refused before any comparison; real ones are 43 characters.
    private const int MaxTokenBytes = 256;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger<InMemoryCallRegistry> _logger;
    private readonly TimeSpan _connectTimeout;
    private int _live;
    private int _disposed;

    private readonly ICallPreparer? _preparer;
    private readonly CallDirectory? _directory;
    private readonly IEdge? _edge;
    private readonly EdgePreJoiner? _preJoiner;

    /// <param name="directory">Where registered calls are listed for the management API, if anywhere.</param>
    /// <param name="edge">Names each call's edge call at registration; without it the call id is used.</param>
    /// <param name="preJoiner">
    /// Joins the edge call at registration, beside the prepare step, for registrations that know the phone's rate;
    /// without it the bridge joins when the media stream starts.
    /// </param>
    public InMemoryCallRegistry(
        IOptions<CallRegistryOptions> options,
        TimeProvider time,
        ILogger<InMemoryCallRegistry> logger,
        ICallPreparer? preparer = null,
        CallDirectory? directory = null,
        IEdge? edge = null,
        EdgePreJoiner? preJoiner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connectTimeout = options.Value.ConnectTimeout;
        if (_connectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ConnectTimeout must be positive.");
        }

        _time = time;
        _logger = logger;
        _preparer = preparer;
        _directory = directory;
        _edge = edge;
        _preJoiner = preJoiner;
    }

    public int Count => Volatile.Read(ref _live);

    public ValueTask<CallRegistration> RegisterAsync(CallRegistrationRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Register(request));

    public ValueTask<CallClaim> TryClaimAsync(string callId, string token, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new CallClaim(TryClaim(callId, token, out var call), call));

    /// <summary>Registers a call and starts its prepare step, if any (<see cref="RegisterAsync"/>, synchronously).</summary>
    public CallRegistration Register(CallRegistrationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var waitFor = CallRegistrationSteps.WaitForMedia(request, _connectTimeout);
        var now = _time.GetUtcNow();
        var info = CallRegistrationSteps.Describe(request, now, _edge, out var registerSpan);
        using var span = registerSpan;
        var token = CallIds.NewToken();
        var entry = new Entry(this, info, Encoding.UTF8.GetBytes(token), now + waitFor);
        var prepare = request.Prepare
            ?? (_preparer is { IsEnabled: true } preparer && !request.JoinsExistingCall ? preparer.PrepareAsync : null);
        entry.Prepared = prepare is null
            ? Task.FromResult<object?>(null)
            : CallRegistrationSteps.StartPrepare(prepare, info, entry.Ended.Token);

        // Beside the prepare step, not after it: the edge call is named above, so the join needs nothing it makes.
        entry.EdgeJoin = _preJoiner?.Start(info);

        if (!TryAdd(entry))
        {
            CancelQuietly(entry.Ended);
            _ = DisposePreparedAsync(entry);
            _ = entry.EdgeJoin?.AbandonAsync("registration refused");
            throw new InvalidOperationException($"Call '{info.CallId}' is already registered.");
        }

        Interlocked.Increment(ref _live);
        _directory?.Add(info);
        entry.Timer = _time.CreateTimer(static s => ((Entry)s!).Owner.OnTimer((Entry)s!), entry, waitFor, Timeout.InfiniteTimeSpan);

        InMemoryCallRegistryLog.Registered(_logger, info.CallId, info.Provider, waitFor.TotalSeconds);
        return new CallRegistration(info, token, entry.ExpiresAt);
    }

    /// <summary>Claims a registration with its token (<see cref="TryClaimAsync"/>, synchronously).</summary>
    public ClaimResult TryClaim(string callId, string token, out RegisteredCall? call)
    {
        call = null;
        if (callId is null || !_entries.TryGetValue(callId, out var entry))
        {
            InMemoryCallRegistryLog.ClaimRefused(_logger, Sanitize(callId), ClaimResult.UnknownCall);
            return ClaimResult.UnknownCall;
        }

        if (!TokenMatches(entry.TokenBytes, token))
        {
            InMemoryCallRegistryLog.ClaimRefused(_logger, entry.Info.CallId, ClaimResult.BadToken);
            return ClaimResult.BadToken;
        }

        if (entry.State == EntryState.Waiting && _time.GetUtcNow() >= entry.ExpiresAt)
        {
            // The timer may lag behind the clock; the deadline is what counts.
            Expire(entry);
        }

        var previous = (EntryState)Interlocked.CompareExchange(ref entry.StateValue, (int)EntryState.Claimed, (int)EntryState.Waiting);
        var result = previous switch
        {
            EntryState.Waiting => ClaimResult.Claimed,
            EntryState.Claimed => ClaimResult.AlreadyClaimed,
            EntryState.Expired => ClaimResult.Expired,
            _ => ClaimResult.UnknownCall,
        };

        if (result != ClaimResult.Claimed)
        {
            InMemoryCallRegistryLog.ClaimRefused(_logger, entry.Info.CallId, result);
            return result;
        }

        entry.Timer?.Dispose();
        call = new RegisteredCall(entry.Info, entry.Prepared, entry.Ended.Token, entry.EdgeJoin);
        InMemoryCallRegistryLog.Claimed(_logger, entry.Info.CallId);
        return ClaimResult.Claimed;
    }

    public void Release(string callId)
    {
        if (callId is null || !_entries.TryRemove(callId, out var entry))
        {
            return;
        }

        var previous = (EntryState)Interlocked.Exchange(ref entry.StateValue, (int)EntryState.Released);
        entry.Timer?.Dispose();
        if (previous is EntryState.Waiting or EntryState.Claimed)
        {
            Interlocked.Decrement(ref _live);
            CancelQuietly(entry.Ended);
            InMemoryCallRegistryLog.Released(_logger, entry.Info.CallId);
            _directory?.End(entry.Info.CallId, previous == EntryState.Waiting ? "released before media" : "released");
        }

        if (previous == EntryState.Waiting)
        {
            _ = DisposePreparedAsync(entry);
        }

        // A claimed call's bridge has taken the early edge session if its stream started; if not, it is left here.
        _ = entry.EdgeJoin?.AbandonAsync(previous == EntryState.Waiting ? "released before the media stream" : "released");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var callId in _entries.Keys)
        {
            Release(callId);
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private bool TryAdd(Entry entry)
    {
        while (!_entries.TryAdd(entry.Info.CallId, entry))
        {
            // An expired entry only lingers so late claims hear "expired"; a new registration wins.
            if (!_entries.TryGetValue(entry.Info.CallId, out var existing))
            {
                continue;
            }

            if (existing.State != EntryState.Expired)
            {
                return false;
            }

            if (_entries.TryUpdate(entry.Info.CallId, entry, existing))
            {
                existing.Timer?.Dispose();
                return true;
            }
        }

        return true;
    }

    private void OnTimer(Entry entry)
    {
        if (entry.State == EntryState.Waiting)
        {
            Expire(entry);
        }
        else if (entry.State == EntryState.Expired)
        {
            _entries.TryRemove(KeyValuePair.Create(entry.Info.CallId, entry));
            entry.Timer?.Dispose();
        }
    }

    private void Expire(Entry entry)
    {
        if (Interlocked.CompareExchange(ref entry.StateValue, (int)EntryState.Expired, (int)EntryState.Waiting) != (int)EntryState.Waiting)
        {
            return;
        }

        Interlocked.Decrement(ref _live);
        CancelQuietly(entry.Ended);
        InMemoryCallRegistryLog.Expired(_logger, entry.Info.CallId);
        _directory?.End(entry.Info.CallId, "media stream never connected");

        // Keep a tombstone for one more timeout so a late socket is told why it was refused.
        try
        {
            entry.Timer?.Change(_connectTimeout, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }

        _ = DisposePreparedAsync(entry);
        _ = entry.EdgeJoin?.AbandonAsync("media stream never connected");
    }

    private async Task DisposePreparedAsync(Entry entry)
    {
        object? result;
        try
        {
            result = await entry.Prepared.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nobody claimed the call, so nobody else will observe this failure.
            if (ex is not OperationCanceledException)
            {
                InMemoryCallRegistryLog.UnclaimedPrepareFailed(_logger, entry.Info.CallId, ex);
            }

            return;
        }

        try
        {
            await PreparedWork.DisposeAsync(result).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            InMemoryCallRegistryLog.PreparedDisposeFailed(_logger, entry.Info.CallId, ex);
        }
    }

    private static bool TokenMatches(byte[] expected, string? token)
    {
        if (token is null)
        {
            return false;
        }

        Span<byte> provided = stackalloc byte[MaxTokenBytes];
        if (!Encoding.UTF8.TryGetBytes(token, provided, out var written))
        {
            return false;
        }

        // Always compare a full expected-length buffer so the work done does not depend on where the
        // first difference is, nor (beyond this branch-free AND) on the provided length.
        var lengthMatches = written == expected.Length;
        var candidate = lengthMatches ? provided[..written] : expected;
        var bytesMatch = CryptographicOperations.FixedTimeEquals(candidate, expected);
        return lengthMatches & bytesMatch;
    }

    private static string Sanitize(string? callId) => CallIds.IsValidCallId(callId) ? callId! : "(invalid)";

    private static void CancelQuietly(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (AggregateException)
        {
            // Callbacks belong to the call's owner; their failures must not break the registry.
        }
    }

    private enum EntryState
    {
        Waiting,
        Claimed,
        Expired,
        Released,
    }

    private sealed class Entry(InMemoryCallRegistry owner, CallInfo info, byte[] tokenBytes, DateTimeOffset expiresAt)
    {
        public int StateValue;

        public InMemoryCallRegistry Owner { get; } = owner;

        public CallInfo Info { get; } = info;

        public byte[] TokenBytes { get; } = tokenBytes;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public CancellationTokenSource Ended { get; } = new();

        public Task<object?> Prepared { get; set; } = Task.FromResult<object?>(null);

        public EdgePreJoin? EdgeJoin { get; set; }

        public ITimer? Timer { get; set; }

        public EntryState State => (EntryState)Volatile.Read(ref StateValue);
    }
}
