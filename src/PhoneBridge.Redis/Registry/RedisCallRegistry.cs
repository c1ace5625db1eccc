using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Registry;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Registry;

/// <summary>
/// The <see cref="ICallRegistry"/> of several instances: each entry lives in Redis (<see cref="RedisKeys.Call"/>), so a
/// webhook answered by instance A and a media socket that reaches instance B make one call. Claims are atomic and single
/// use (a Lua script), the token is kept only as its SHA-256 and compared in constant time, and entries expire after the
/// same allowance as in memory (<see cref="CallRegistryOptions.ConnectTimeout"/>, plus the ring timeout of a placed
/// call), then linger one more allowance so a late socket hears "expired".
/// </summary>
/// <remarks>
/// <para>Work started at registration stays on the registering instance: the prepare step (agent launch) and the early
/// edge join. When another instance claims the call, the claim script tells the registrar (channel
/// <c>instance:{id}:registry</c>), which leaves its early edge join (the owner joins afresh), drops the call from its
/// <see cref="CallDirectory"/> (the owner lists it) and hands the prepared work over through
/// <see cref="IPreparedWorkHandover"/>: its description is stored in the entry, and the owner's bridge rebuilds it,
/// uses it and closes it at hangup. Work that cannot be described is disposed where it was started.</para>
/// <para>Redis down: registration and claims throw <see cref="CallRegistryUnavailableException"/> (logged once), the
/// endpoints answer 503; calls already bridged never touch Redis and carry on; releases that could not reach Redis are
/// retried by <see cref="RetryPendingAsync"/> (the heartbeat).</para>
/// </remarks>
public sealed class RedisCallRegistry : ICallRegistry, IAsyncDisposable, IDisposable
{
    private const int MaxTokenBytes = 256;

    private readonly ConcurrentDictionary<string, Local> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _pendingReleases = new(StringComparer.Ordinal);
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly string _me;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisCallRegistry> _logger;
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _commandTimeout;
    private readonly ICallPreparer? _preparer;
    private readonly CallDirectory? _directory;
    private readonly IEdge? _edge;
    private readonly EdgePreJoiner? _preJoiner;
    private readonly IPreparedWorkHandover? _handover;
    private readonly RedisChannel _channel;
    private int _subscribed;
    private int _reassertPending;
    private int _disposed;

    public RedisCallRegistry(
        IConnectionMultiplexer redis,
        RedisKeys keys,
        ICallOwnership ownership,
        IOptions<CallRegistryOptions> options,
        IOptions<RedisOptions> redisOptions,
        TimeProvider time,
        ILogger<RedisCallRegistry> logger,
        ICallPreparer? preparer = null,
        CallDirectory? directory = null,
        IEdge? edge = null,
        EdgePreJoiner? preJoiner = null,
        IPreparedWorkHandover? handover = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(ownership);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(redisOptions);
        _connectTimeout = options.Value.ConnectTimeout;
        if (_connectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ConnectTimeout must be positive.");
        }

        _redis = redis;
        _keys = keys;
        _me = ownership.InstanceId;
        _commandTimeout = redisOptions.Value.CommandTimeout;
        _time = time;
        _logger = logger;
        _preparer = preparer;
        _directory = directory;
        _edge = edge;
        _preJoiner = preJoiner;
        _handover = handover;
        _channel = keys.InstanceChannel(_me, RedisKeys.RegistryTopic);
        _ = EnsureSubscribedAsync();
    }

    /// <summary>This instance's id, as the entries' <c>registrar</c> and <c>owner</c> name it.</summary>
    public string InstanceId => _me;

    /// <summary>Calls registered here and waiting, plus calls claimed here and not released.</summary>
    public int Count => _local.Count;

    /// <summary>True once this instance listens for the registry's notices (re-established by the client after a reconnect).</summary>
    public bool IsSubscribed => Volatile.Read(ref _subscribed) != 0;

    public async ValueTask<CallRegistration> RegisterAsync(CallRegistrationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var waitFor = CallRegistrationSteps.WaitForMedia(request, _connectTimeout);
        var now = _time.GetUtcNow();
        var info = CallRegistrationSteps.Describe(request, now, _edge, out var registerSpan);
        using var span = registerSpan;
        var callId = info.CallId;
        var token = CallIds.NewToken();
        var expiresAt = now + waitFor;
        var prepare = request.Prepare
            ?? (_preparer is { IsEnabled: true } preparer && !request.JoinsExistingCall ? preparer.PrepareAsync : null);

        // Stored before any work starts: with Redis down nothing is launched for a call no socket could claim.
        RedisResult stored;
        try
        {
            stored = await RunAsync(RegistryScripts.Register, new
            {
                call = _keys.Call(callId),
                info = (RedisValue)CallInfoJson.Serialize(info),
                token = (RedisValue)HashToken(token),
                expires = (RedisValue)expiresAt.ToUnixTimeMilliseconds(),
                registrar = (RedisValue)_me,
                prep = (RedisValue)(prepare is null ? "none" : "pending"),
                ttl = (RedisValue)(long)(waitFor + _connectTimeout).TotalMilliseconds,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            RedisCallRegistryLog.Unavailable(_logger, "register", callId, Reason(e));
            throw new CallRegistryUnavailableException("The call registry (Redis) could not be reached.", e);
        }

        if ((int)stored != 1)
        {
            throw new InvalidOperationException($"Call '{callId}' is already registered.");
        }

        var local = new Local(info, LocalRole.Registered);
        local.Prepared = prepare is null
            ? Task.FromResult<object?>(null)
            : CallRegistrationSteps.StartPrepare(prepare, info, local.Ended.Token);
        local.EdgeJoin = _preJoiner?.Start(info);
        _local[callId] = local;
        _directory?.Add(info);
        local.Timer = _time.CreateTimer(static s => ((Tick)s!).Fire(), new Tick(this, local), waitFor, Timeout.InfiniteTimeSpan);
        if (prepare is not null)
        {
            _ = HandOverWhenPreparedAsync(local);
        }

        RedisCallRegistryLog.Registered(_logger, callId, info.Provider, waitFor.TotalSeconds);
        return new CallRegistration(info, token, expiresAt);
    }

    public async ValueTask<CallClaim> TryClaimAsync(string callId, string token, CancellationToken cancellationToken = default)
    {
        if (!CallIds.IsValidCallId(callId))
        {
            RedisCallRegistryLog.ClaimRefused(_logger, "(invalid)", ClaimResult.UnknownCall);
            return CallClaim.Refused(ClaimResult.UnknownCall);
        }

        var key = _keys.Call(callId);
        var provided = HashToken(token);
        RedisResult result;
        try
        {
            var db = _redis.GetDatabase();
            var stored = (byte[]?)await db.HashGetAsync(key, RedisFields.Token).WaitAsync(_commandTimeout, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                RedisCallRegistryLog.ClaimRefused(_logger, callId, ClaimResult.UnknownCall);
                return CallClaim.Refused(ClaimResult.UnknownCall);
            }

            if (provided is null || stored.Length != provided.Length || !CryptographicOperations.FixedTimeEquals(stored, provided))
            {
                RedisCallRegistryLog.ClaimRefused(_logger, callId, ClaimResult.BadToken);
                return CallClaim.Refused(ClaimResult.BadToken);
            }

            result = await RunAsync(RegistryScripts.Claim, new
            {
                call = key,
                owned = _keys.OwnedCalls(_me),
                token = (RedisValue)provided,
                now = (RedisValue)_time.GetUtcNow().ToUnixTimeMilliseconds(),
                owner = (RedisValue)_me,
                prefix = (RedisValue)_keys.Prefix,
                callId = (RedisValue)callId,
            }, CancellationToken.None).ConfigureAwait(false);   // not abandoned half-way: a claim made must be held
        }
        catch (Exception e) when (IsUnavailable(e, cancellationToken))
        {
            RedisCallRegistryLog.Unavailable(_logger, "claim", callId, Reason(e));
            throw new CallRegistryUnavailableException("The call registry (Redis) could not be reached.", e);
        }

        var values = (RedisResult[])result!;
        var outcome = (string?)values[0];
        var refused = outcome switch
        {
            "ok" => ClaimResult.Claimed,
            "badtoken" => ClaimResult.BadToken,
            "claimed" => ClaimResult.AlreadyClaimed,
            "expired" => ClaimResult.Expired,
            _ => ClaimResult.UnknownCall,
        };
        if (refused != ClaimResult.Claimed)
        {
            if (refused == ClaimResult.Expired && _local.TryGetValue(callId, out var waiting) && waiting.Role == LocalRole.Registered)
            {
                // The timer may lag behind the clock; the deadline is what counts.
                ExpireLocally(waiting, "media stream never connected");
            }

            RedisCallRegistryLog.ClaimRefused(_logger, callId, refused);
            return CallClaim.Refused(refused);
        }

        var call = _local.TryGetValue(callId, out var mine) && mine.TryClaimHere()
            ? ClaimedHere(mine)
            : ClaimedFromElsewhere(callId, (string)values[1]!, (string?)values[2] ?? "none", (string?)values[3]);
        return new CallClaim(ClaimResult.Claimed, call);
    }

    /// <summary>
    /// Removes the call here and its entry in Redis (in the background; retried by the heartbeat while Redis is away).
    /// A waiting call registered by another instance is removed and its registrar told; a call claimed by another
    /// instance is left alone: ending it is its owner's business (control requests and provider webhooks are routed there).
    /// </summary>
    public void Release(string callId) => _ = ReleaseCore(callId);

    private Task ReleaseCore(string callId)
    {
        if (callId is null)
        {
            return Task.CompletedTask;
        }

        var previous = _local.TryRemove(callId, out var local)
            ? ReleaseLocally(local, local.Role == LocalRole.Registered ? "released before media" : "released")
            : LocalRole.Released;
        var remoteClaim = previous == LocalRole.Claimed && local!.IsRemote ? local : null;
        return ReleaseInRedisAsync(callId, remoteClaim, retry: previous is LocalRole.Registered or LocalRole.Claimed);
    }

    /// <summary>
    /// Retries what Redis missed while it was down: releases, and entries of calls owned here that a restarted Redis
    /// lost (so other instances still find their owner). Run by the heartbeat; never throws for Redis failures.
    /// </summary>
    public async Task RetryPendingAsync(bool redisLostState, CancellationToken cancellationToken)
    {
        await EnsureSubscribedAsync().ConfigureAwait(false);
        foreach (var callId in _pendingReleases.Keys)
        {
            _pendingReleases.TryRemove(callId, out _);
            await ReleaseInRedisAsync(callId, null, retry: true).ConfigureAwait(false);
        }

        if (redisLostState)
        {
            Volatile.Write(ref _reassertPending, 1);
        }

        if (Volatile.Read(ref _reassertPending) == 0)
        {
            return;
        }

        var written = 0;
        foreach (var local in _local.Values)
        {
            if (local.Role != LocalRole.Claimed)
            {
                continue;
            }

            try
            {
                var result = await RunAsync(RegistryScripts.Reassert, new
                {
                    call = _keys.Call(local.Info.CallId),
                    owned = _keys.OwnedCalls(_me),
                    info = (RedisValue)CallInfoJson.Serialize(local.Info),
                    me = (RedisValue)_me,
                    callId = (RedisValue)local.Info.CallId,
                }, cancellationToken).ConfigureAwait(false);
                written += (int)result;
            }
            catch (Exception e) when (IsUnavailable(e, cancellationToken))
            {
                RedisCallRegistryLog.Unavailable(_logger, "write back", local.Info.CallId, Reason(e));
                return;
            }
        }

        Volatile.Write(ref _reassertPending, 0);
        if (written > 0)
        {
            RedisCallRegistryLog.Reasserted(_logger, written);
        }
    }

    public void Dispose() => _ = ReleaseAllAsync();

    /// <summary>Releases every call here (host shutdown), waiting up to the command timeout for Redis to hear of it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ReleaseAllAsync().WaitAsync(_commandTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Left to the sweep: without this instance's heartbeat its entries go within the heartbeat window.
        }
    }

    private Task ReleaseAllAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return Task.CompletedTask;
        }

        var releases = new List<Task>();
        foreach (var callId in _local.Keys)
        {
            releases.Add(ReleaseCore(callId));
        }

        try
        {
            _redis.GetSubscriber().Unsubscribe(_channel, flags: CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            // Closing anyway.
        }

        return Task.WhenAll(releases);
    }

    private RegisteredCall ClaimedHere(Local local)
    {
        local.Timer?.Dispose();
        RedisCallRegistryLog.Claimed(_logger, local.Info.CallId, _me);
        return new RegisteredCall(local.Info, local.Prepared, local.Ended.Token, local.EdgeJoin);
    }

    private RegisteredCall ClaimedFromElsewhere(string callId, string infoJson, string prep, string? prepared)
    {
        var info = CallInfoJson.Deserialize(infoJson);
        var local = new Local(info, LocalRole.Claimed);
        // Always through Handed, so a release can tell whether the bridge already holds the work (then it closes it).
        switch (prep)
        {
            case "none":
                local.Handed.TrySetResult(null);
                break;
            case "done":
                local.Handed.TrySetResult(Restore(prepared));
                break;
            case "failed":
                local.Handed.TrySetException(new InvalidOperationException("The prepare step failed on the registering instance: " + prepared));
                break;
        }

        local.Prepared = local.Handed.Task;
        _local[callId] = local;
        _directory?.Adopt(info);
        RedisCallRegistryLog.Claimed(_logger, callId, "another instance");
        if (prep == "pending")
        {
            // The registrar tells us when its prepare step is done; reading once now covers a notice sent before this
            // entry existed, and the connect allowance bounds the wait if the registrar is gone.
            _ = AwaitHandoverAsync(local);
        }

        return new RegisteredCall(info, local.Prepared, local.Ended.Token);
    }

    private async Task AwaitHandoverAsync(Local local)
    {
        await CompleteHandoverFromRedisAsync(local).ConfigureAwait(false);
        try
        {
            await local.Handed.Task.WaitAsync(_connectTimeout, _time, local.Ended.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            local.Handed.TrySetException(new TimeoutException("The registering instance did not hand over the call's prepared work in time."));
        }
        catch (Exception)
        {
            // Handed over, failed or released: whoever completed it decided.
        }
    }

    private async Task CompleteHandoverFromRedisAsync(Local local)
    {
        try
        {
            var v = await _redis.GetDatabase()
                .HashGetAsync(_keys.Call(local.Info.CallId), [RedisFields.Prep, RedisFields.Prepared])
                .WaitAsync(_commandTimeout)
                .ConfigureAwait(false);
            switch ((string?)v[0])
            {
                case "done":
                    var restored = Restore((string?)v[1]);
                    if (!local.Handed.TrySetResult(restored))
                    {
                        // Another path completed it; this rebuilt copy closes nothing and is dropped.
                    }

                    break;
                case "failed":
                    local.Handed.TrySetException(new InvalidOperationException("The prepare step failed on the registering instance: " + (string?)v[1]));
                    break;
            }
        }
        catch (Exception e) when (IsUnavailable(e, CancellationToken.None))
        {
            RedisCallRegistryLog.Unavailable(_logger, "read the prepared work of", local.Info.CallId, Reason(e));
        }
    }

    private object? Restore(string? description)
    {
        if (string.IsNullOrEmpty(description) || _handover is null)
        {
            return null;
        }

        return _handover.Restore(description);
    }

    /// <summary>Runs on the registering instance once its prepare step is over: stores what the owner needs.</summary>
    private async Task HandOverWhenPreparedAsync(Local local)
    {
        object? prepared = null;
        string prep;
        string description;
        try
        {
            prepared = await local.Prepared.ConfigureAwait(false);
            description = prepared is null ? string.Empty : _handover?.Describe(prepared) ?? string.Empty;
            prep = "done";
        }
        catch (Exception e)
        {
            prep = "failed";
            description = e is OperationCanceledException ? "cancelled" : e.GetType().Name;
        }

        int stored;
        try
        {
            stored = (int)await RunAsync(RegistryScripts.Prepared, new
            {
                call = _keys.Call(local.Info.CallId),
                me = (RedisValue)_me,
                prep = (RedisValue)prep,
                prepared = (RedisValue)description,
                prefix = (RedisValue)_keys.Prefix,
                callId = (RedisValue)local.Info.CallId,
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e, CancellationToken.None))
        {
            RedisCallRegistryLog.Unavailable(_logger, "hand over the prepared work of", local.Info.CallId, Reason(e));
            stored = -1;
        }

        bool disposeHere;
        lock (local.Gate)
        {
            local.Description = description.Length > 0 && prep == "done" ? description : null;
            local.PrepareSettled = true;

            // Claimed elsewhere before this settled: decided here, once. The owner rebuilds what it could read (stored
            // 1 or 2 and described); anything else stays with this instance to close. Registered, expired, released or
            // claimed here: the local paths and the bridge dispose it as in memory.
            disposeHere = local.Role == LocalRole.HandedOff && !local.PreparedDecided
                && (local.Description is null || stored is not (1 or 2));
            local.PreparedDecided |= local.Role == LocalRole.HandedOff;
        }

        if (disposeHere && prepared is not null)
        {
            await DisposeQuietlyAsync(local.Info.CallId, prepared).ConfigureAwait(false);
        }
    }

    /// <param name="remoteClaim">The released call when it was registered elsewhere and claimed here.</param>
    /// <param name="retry">Retry later when Redis cannot be reached (the entry was this instance's to remove).</param>
    private async Task ReleaseInRedisAsync(string callId, Local? remoteClaim, bool retry)
    {
        RedisResult result;
        try
        {
            result = await RunAsync(RegistryScripts.Release, new
            {
                call = _keys.Call(callId),
                owned = _keys.OwnedCalls(_me),
                me = (RedisValue)_me,
                prefix = (RedisValue)_keys.Prefix,
                callId = (RedisValue)callId,
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e, CancellationToken.None))
        {
            RedisCallRegistryLog.Unavailable(_logger, "release", callId, Reason(e));
            if (retry && Volatile.Read(ref _disposed) == 0)
            {
                _pendingReleases.TryAdd(callId, 0);
            }

            return;
        }

        var values = (RedisResult[])result!;
        if (remoteClaim is not null && (string?)values[0] == "ok" && remoteClaim.Handed.TrySetCanceled())
        {
            // Released before the registrar's work reached the bridge: close what it stored, if it got that far.
            if ((string?)values[1] == "done" && Restore((string?)values[2]) is { } orphan)
            {
                await DisposeQuietlyAsync(callId, orphan).ConfigureAwait(false);
            }
        }
    }

    private void OnNotice(RedisValue message)
    {
        var text = (string?)message;
        var bar = text?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        if (text is null || bar <= 0)
        {
            return;
        }

        var kind = text[..bar];
        var callId = text[(bar + 1)..];
        try
        {
            switch (kind)
            {
                case "claimed":
                    if (_local.TryGetValue(callId, out var registered) && registered.TryHandOff())
                    {
                        _local.TryRemove(KeyValuePair.Create(callId, registered));
                        HandedOff(registered);
                    }

                    break;
                case "prepared":
                    if (_local.TryGetValue(callId, out var claimed) && claimed.IsRemote)
                    {
                        _ = CompleteHandoverFromRedisAsync(claimed);
                    }

                    break;
                case "released":
                    if (_local.TryGetValue(callId, out var waiting) && waiting.Role == LocalRole.Registered && _local.TryRemove(KeyValuePair.Create(callId, waiting)))
                    {
                        _ = ReleaseLocally(waiting, "released before media");
                    }

                    break;
            }
        }
        catch (Exception e)
        {
            RedisCallRegistryLog.NoticeFailed(_logger, callId, e);
        }
    }

    /// <summary>Another instance claimed a call registered here: let go of everything but the handover of prepared work.</summary>
    private void HandedOff(Local local)
    {
        local.Timer?.Dispose();
        _directory?.Forget(local.Info.CallId);
        _ = local.EdgeJoin?.AbandonAsync("claimed by another instance");
        RedisCallRegistryLog.ClaimedElsewhere(_logger, local.Info.CallId);
        bool disposeHere;
        lock (local.Gate)
        {
            disposeHere = local.PrepareSettled && !local.PreparedDecided && local.Description is null;
            local.PreparedDecided |= local.PrepareSettled;
        }

        // Settled and described: the owner rebuilds it. Not settled: HandOverWhenPreparedAsync decides when it is.
        if (disposeHere)
        {
            _ = DisposePreparedAsync(local);
        }
    }

    private void OnTimer(Local local)
    {
        if (local.Role == LocalRole.Registered)
        {
            _ = ExpireAsync(local);
        }
    }

    private async Task ExpireAsync(Local local)
    {
        int result;
        try
        {
            result = (int)await RunAsync(RegistryScripts.Expire, new
            {
                call = _keys.Call(local.Info.CallId),
                me = (RedisValue)_me,
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e, CancellationToken.None))
        {
            // Nobody can claim it while Redis is away, and its key expires on its own.
            result = 1;
        }

        if (result == 2)
        {
            // Claimed: here (the claim disposed the timer) or elsewhere with the notice lost.
            if (local.TryHandOff())
            {
                _local.TryRemove(KeyValuePair.Create(local.Info.CallId, local));
                HandedOff(local);
            }

            return;
        }

        ExpireLocally(local, "media stream never connected");
    }

    private void ExpireLocally(Local local, string reason)
    {
        if (!local.TryExpire())
        {
            return;
        }

        _local.TryRemove(KeyValuePair.Create(local.Info.CallId, local));
        local.Timer?.Dispose();
        CancelQuietly(local.Ended);
        RedisCallRegistryLog.Expired(_logger, local.Info.CallId);
        _directory?.End(local.Info.CallId, reason);
        _ = DisposePreparedAsync(local);
        _ = local.EdgeJoin?.AbandonAsync(reason);
    }

    private LocalRole ReleaseLocally(Local local, string reason)
    {
        var previous = local.MarkReleased();
        local.Timer?.Dispose();
        if (previous is not (LocalRole.Registered or LocalRole.Claimed))
        {
            return previous;
        }

        CancelQuietly(local.Ended);
        RedisCallRegistryLog.Released(_logger, local.Info.CallId);
        _directory?.End(local.Info.CallId, reason);
        if (previous == LocalRole.Registered)
        {
            _ = DisposePreparedAsync(local);
        }

        // A claimed call's bridge has taken the early edge session if its stream started; if not, it is left here.
        _ = local.EdgeJoin?.AbandonAsync(previous == LocalRole.Registered ? "released before the media stream" : "released");
        return previous;
    }

    private async Task DisposePreparedAsync(Local local)
    {
        object? result;
        try
        {
            result = await local.Prepared.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A failed prepare step has nothing to dispose; the bridge (if any) reported it.
            return;
        }

        if (result is not null)
        {
            await DisposeQuietlyAsync(local.Info.CallId, result).ConfigureAwait(false);
        }
    }

    private async Task DisposeQuietlyAsync(string callId, object prepared)
    {
        try
        {
            await PreparedWork.DisposeAsync(prepared).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisCallRegistryLog.PreparedWorkFailed(_logger, callId, e);
        }
    }

    private async Task EnsureSubscribedAsync()
    {
        if (Volatile.Read(ref _subscribed) != 0 || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            await _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => OnNotice(message)).ConfigureAwait(false);
            Volatile.Write(ref _subscribed, 1);
        }
        catch (Exception e) when (IsUnavailable(e, CancellationToken.None))
        {
            // Retried by the heartbeat until Redis answers.
        }
    }

    private async Task<RedisResult> RunAsync(LuaScript script, object parameters, CancellationToken cancellationToken) =>
        await _redis.GetDatabase().ScriptEvaluateAsync(script, parameters).WaitAsync(_commandTimeout, cancellationToken).ConfigureAwait(false);

    private static byte[]? HashToken(string? token)
    {
        if (token is null)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[MaxTokenBytes];
        if (!Encoding.UTF8.TryGetBytes(token, bytes, out var written))
        {
            return null;
        }

        return SHA256.HashData(bytes[..written]);
    }

    private static bool IsUnavailable(Exception e, CancellationToken cancellationToken) =>
        e is RedisException or TimeoutException or ObjectDisposedException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static string Reason(Exception e) => e switch
    {
        TimeoutException => "timed out",
        RedisConnectionException => "no connection",
        _ => e.GetType().Name,
    };

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

    private enum LocalRole
    {
        Registered,
        Claimed,
        HandedOff,
        Expired,
        Released,
    }

    private sealed class Tick(RedisCallRegistry owner, Local local)
    {
        public void Fire() => owner.OnTimer(local);
    }

    /// <summary>What this instance holds of one call: registered here and waiting, or claimed here.</summary>
    private sealed class Local(CallInfo info, LocalRole role)
    {
        private int _role = (int)role;

        public CallInfo Info { get; } = info;

        public Lock Gate { get; } = new();

        public CancellationTokenSource Ended { get; } = new();

        public Task<object?> Prepared { get; set; } = Task.FromResult<object?>(null);

        /// <summary>Completed with the registrar's prepared work when the call was claimed here from elsewhere.</summary>
        public TaskCompletionSource<object?> Handed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>True for a call registered by another instance and claimed here.</summary>
        public bool IsRemote { get; } = role == LocalRole.Claimed;

        public EdgePreJoin? EdgeJoin { get; set; }

        public ITimer? Timer { get; set; }

        /// <summary>The prepared work's description once stored (null: none or not describable). Under <see cref="Gate"/>.</summary>
        public string? Description { get; set; }

        /// <summary>The prepare step has finished and its outcome is stored. Under <see cref="Gate"/>.</summary>
        public bool PrepareSettled { get; set; }

        /// <summary>Handed off and settled: whether this instance closes the prepared work is decided. Under <see cref="Gate"/>.</summary>
        public bool PreparedDecided { get; set; }

        public LocalRole Role => (LocalRole)Volatile.Read(ref _role);

        public bool TryClaimHere() => Move(LocalRole.Registered, LocalRole.Claimed);

        public bool TryExpire() => Move(LocalRole.Registered, LocalRole.Expired);

        public bool TryHandOff()
        {
            lock (Gate)
            {
                return Move(LocalRole.Registered, LocalRole.HandedOff);
            }
        }

        public LocalRole MarkReleased() => (LocalRole)Interlocked.Exchange(ref _role, (int)LocalRole.Released);

        private bool Move(LocalRole from, LocalRole to) =>
            Interlocked.CompareExchange(ref _role, (int)to, (int)from) == (int)from;
    }
}
