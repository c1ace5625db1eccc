using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Stun;
using PhoneBridge.Rtc.Transport;

namespace PhoneBridge.Rtc.Ice;

/// <summary>
/// A full ICE agent (RFC 8445) for one bundled, rtcp-muxed media stream: one UDP socket per address family,
/// host / server-reflexive / relayed candidates (found by <see cref="IceCandidateGatherer"/>), trickle in both
/// directions, controlling or controlled role with role-conflict repair, regular nomination, peer-reflexive learning
/// and consent freshness (RFC 7675).
/// All work runs on socket receive loops and one <see cref="TimeProvider"/> timer; no thread is owned.
/// </summary>
public sealed partial class IceAgent : IAsyncDisposable
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private const int ReceiveBufferSize = 4096;

    private readonly IceAgentOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Channel<Action> _events = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _eventLoop;
    private readonly TaskCompletionSource _gatheringComplete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IceSocket> _sockets = [];
    private readonly List<LocalCandidateEntry> _localCandidates = [];
    private readonly List<RemoteCandidateEntry> _remoteCandidates = [];
    private readonly List<CandidatePairEntry> _pairs = [];
    private readonly LinkedList<CandidatePairEntry> _triggered = new();
    private readonly Dictionary<StunTransactionId, PendingTransaction> _transactions = [];
    private readonly ulong _tieBreaker;
    private readonly IceCandidateGatherer _gatherer;

    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _controlling;
    private bool _gatherStarted;
    private bool _disposed;
    private byte[] _localKey;
    private string? _remoteUfrag;
    private byte[]? _remoteKey;
    private bool _remoteEndOfCandidates;
    private IceConnectionState _state = IceConnectionState.New;
    private volatile CandidatePairEntry? _selected;
    private volatile CandidatePairEntry[] _validPairs = [];
    private IIceDataHandler? _dataHandler;
    private int _prflxCounter;
    private readonly Transport.DatagramReceiveThread? _receiveThread;

    public IceAgent(IceAgentOptions options, ILogger<IceAgent> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _options = options;
        _logger = logger;
        _time = time;
        _controlling = options.Controlling;
        _tieBreaker = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        LocalUfrag = RandomNumberGenerator.GetString(IceChars, 8);
        LocalPassword = RandomNumberGenerator.GetString(IceChars, 24);
        _localKey = StunCredentials.ShortTermKey(LocalPassword);
        _gatherer = new IceCandidateGatherer(this, options, logger, time, _lifetime.Token);
        _receiveThread = options.SharedReceiveThread ? Transport.DatagramReceiveThreads.Shared?.Next() : null;

        // On the system clock, the agent's timers run on its receive thread; a test's fake clock keeps its own.
        TimerTime = _receiveThread is { } thread && ReferenceEquals(time, TimeProvider.System) ? thread.TimeProvider : time;
        _timer = TimerTime.CreateTimer(static state => ((IceAgent)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _eventLoop = RunEventLoopAsync();
    }

    /// <summary>
    /// The clock the agent's timers use: with the shared receive thread on the system clock, one whose timers fire on
    /// that thread, so the connection's periodic work (consent, RTCP) costs no thread-pool wake-up.
    /// </summary>
    internal TimeProvider TimerTime { get; }

    /// <summary>Local username fragment for <c>a=ice-ufrag</c>.</summary>
    public string LocalUfrag { get; private set; }

    /// <summary>Local password for <c>a=ice-pwd</c>.</summary>
    public string LocalPassword { get; private set; }

    /// <summary>Trickled local candidates; <c>null</c> signals end-of-candidates.</summary>
    public event Action<IceCandidate?>? LocalCandidate;

    public event Action<IceConnectionState>? StateChanged;

    public IceConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Current role (may change through role-conflict resolution).</summary>
    public bool IsControlling
    {
        get
        {
            lock (_gate)
            {
                return _controlling;
            }
        }
    }

    /// <summary>Whether the remote agent is ICE-lite (<c>a=ice-lite</c>); a full agent must then be controlling.</summary>
    public bool RemoteIsLite { get; private set; }

    /// <summary>The nominated pair data flows over, or null.</summary>
    public IceCandidatePair? SelectedPair => _selected?.ToPublic();

    /// <summary>Completes when every configured server answered or timed out (after end-of-candidates was raised).</summary>
    public Task GatheringCompleted => _gatheringComplete.Task;

    /// <summary>Receives non-STUN datagrams from the selected pair, on the receive loop.</summary>
    public IIceDataHandler? DataHandler
    {
        set => Volatile.Write(ref _dataHandler, value);
    }

    /// <summary>The check list in its current order, with each pair's priority (diagnostics and tests).</summary>
    internal IReadOnlyList<(IceCandidatePair Pair, ulong Priority)> GetCheckList()
    {
        lock (_gate)
        {
            return [.. _pairs.Select(static p => (p.ToPublic(), p.Priority))];
        }
    }

    /// <summary>Snapshot of the local candidates gathered so far (for non-trickle SDP).</summary>
    public IReadOnlyList<IceCandidate> GetLocalCandidates()
    {
        lock (_gate)
        {
            return [.. _localCandidates.Where(IsAdvertised).Select(c => c.Candidate)];
        }
    }

    /// <summary>
    /// Starts gathering (<see cref="IceCandidateGatherer"/>): binds one UDP socket per address family, raises the host
    /// candidates and starts the receive loops. Server reflexive and relay candidates follow asynchronously through
    /// <see cref="LocalCandidate"/>; see <see cref="GatheringCompleted"/>.
    /// </summary>
    public Task GatherAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_gatherStarted)
            {
                throw new InvalidOperationException("GatherAsync was already called.");
            }

            _gatherStarted = true;
        }

        _gatherer.Start();
        return Task.CompletedTask;
    }

    /// <summary>Sets the peer's <c>a=ice-ufrag</c>/<c>a=ice-pwd</c>; checks start once these and a remote candidate are known.</summary>
    public void SetRemoteCredentials(string ufrag, string pwd, bool remoteIsLite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(ufrag);
        ArgumentException.ThrowIfNullOrEmpty(pwd);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _remoteUfrag = ufrag;
            _remoteKey = StunCredentials.ShortTermKey(pwd);
            RemoteIsLite = remoteIsLite;
            if (remoteIsLite && !_controlling)
            {
                // RFC 8445 §6.1.1: with a lite peer the full agent is always controlling.
                SetRoleLocked(controlling: true);
            }

            StartChecksLocked();
        }
    }

    /// <summary>Adds a trickled or SDP remote candidate. Non-UDP, non-RTP-component and unresolvable (mDNS) ones are ignored.</summary>
    public void AddRemoteCandidate(IceCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (!string.Equals(candidate.Protocol, "udp", StringComparison.OrdinalIgnoreCase))
        {
            IceLog.RemoteCandidateIgnored(_logger, candidate.ToSdpAttribute(), "not UDP");
            return;
        }

        if (candidate.Component != 1)
        {
            IceLog.RemoteCandidateIgnored(_logger, candidate.ToSdpAttribute(), "RTCP component (rtcp-mux is used)");
            return;
        }

        if (candidate.IPAddress is not { } address || candidate.Port == 0)
        {
            // mDNS host names: the peer's checks will reveal the address as peer-reflexive.
            IceLog.RemoteCandidateIgnored(_logger, candidate.ToSdpAttribute(), "address is not an IP literal");
            return;
        }

        if (_options.RemoteAddressFilter is { } filter && !filter(address))
        {
            IceLog.RemoteCandidateIgnored(_logger, candidate.ToSdpAttribute(), "address rejected by RemoteAddressFilter");
            return;
        }

        var endPoint = new IPEndPoint(address, candidate.Port);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var existing = FindRemoteLocked(endPoint.Serialize());
            if (existing is not null)
            {
                if (existing.Candidate.Type == IceCandidateType.PeerReflexive)
                {
                    // RFC 8838 §11: the signalled candidate replaces the peer-reflexive one, and its pairs take the
                    // signalled priority, so a slow trickle cannot leave a better path ranked below a worse one.
                    existing.Candidate = candidate with { Address = address.ToString() };
                    foreach (var pair in _pairs)
                    {
                        if (pair.Remote == existing)
                        {
                            pair.ComputePriority(_controlling);
                        }
                    }

                    SortPairsLocked();
                }

                return;
            }

            AddRemoteLocked(new RemoteCandidateEntry(candidate with { Address = address.ToString() }, endPoint));
            StartChecksLocked();
        }
    }

    /// <summary>The peer signalled end-of-candidates: once every pair failed, the agent fails without waiting for the timeout.</summary>
    public void AddRemoteEndOfCandidates()
    {
        lock (_gate)
        {
            _remoteEndOfCandidates = true;
            RescheduleLocked();
        }
    }

    /// <summary>Starts connectivity checks (if credentials and candidates are there) and completes once a pair is selected.</summary>
    /// <exception cref="IceException">ICE failed.</exception>
    public Task ConnectAsync(CancellationToken ct)
    {
        Task connected;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_gatherStarted)
            {
                throw new InvalidOperationException("Call GatherAsync before ConnectAsync.");
            }

            StartChecksLocked();
            connected = _connected.Task;
        }

        return connected.WaitAsync(ct);
    }

    /// <summary>
    /// ICE restart (RFC 8445 §9): new local credentials, remote candidates and pairs forgotten. The current
    /// selected pair keeps carrying data until a new one is selected. Signal the new credentials, then call
    /// <see cref="SetRemoteCredentials"/>, <see cref="AddRemoteCandidate"/> and <see cref="ConnectAsync"/> again.
    /// </summary>
    public void Restart()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            LocalUfrag = RandomNumberGenerator.GetString(IceChars, 8);
            LocalPassword = RandomNumberGenerator.GetString(IceChars, 24);
            _localKey = StunCredentials.ShortTermKey(LocalPassword);
            _remoteUfrag = null;
            _remoteKey = null;
            _remoteEndOfCandidates = false;
            _remoteCandidates.Clear();
            _pairs.Clear();
            _triggered.Clear();
            _transactions.Clear();
            _validPairs = [];
            _checksStartedAt = null;
            _nominationDeadline = null;
            if (_connected.Task.IsCompleted)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _restartPending = _selected is not null;
            if (_selected is null || _state is IceConnectionState.Failed)
            {
                _selected = null;
                SetStateLocked(IceConnectionState.New);
            }

            IceLog.Restarted(_logger);
            RescheduleLocked();
        }
    }

    /// <summary>
    /// Sends one datagram over the selected pair (wrapped for TURN when relayed). Without a selected pair (not yet
    /// connected, consent expired, closed) the datagram is dropped, as RFC 7675 requires after consent loss.
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken ct)
    {
        if (!ct.IsCancellationRequested)
        {
            Send(datagram.Span);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// <see cref="SendAsync"/> for the media path: a UDP send completes at once (or the datagram is dropped), so the
    /// caller's thread sends it without a task or a hop.
    /// </summary>
    public void Send(ReadOnlySpan<byte> datagram)
    {
        var pair = _selected ?? EarlyPair();
        if (pair is not null)
        {
            SendData(pair, datagram);
        }
    }

    /// <summary>Before nomination: the best succeeded pair, else one the peer nominated over an authenticated check.</summary>
    private CandidatePairEntry? EarlyPair()
    {
        CandidatePairEntry? nominated = null;
        foreach (var pair in _validPairs)
        {
            if (pair.State == CandidatePairState.Succeeded)
            {
                return pair;
            }

            nominated ??= pair.PeerNominated ? pair : null;
        }

        return nominated;
    }

    public async ValueTask DisposeAsync()
    {
        List<IceSocket> sockets;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _selected = null;
            _validPairs = [];
            _transactions.Clear();
            SetStateLocked(IceConnectionState.Closed);
            _connected.TrySetException(new ObjectDisposedException(nameof(IceAgent)));
            sockets = [.. _sockets];
        }

        await _timer.DisposeAsync().ConfigureAwait(false);

        // Relays are released while the receive loops still run, so the server's answer to the release arrives.
        await DisposeRelaysAsync().ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        foreach (var socket in sockets)
        {
            socket.Registration?.Dispose();
            socket.Socket.Dispose();
        }

        foreach (var socket in sockets)
        {
            await socket.ReceiveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _gatheringComplete.TrySetResult();
        _events.Writer.TryComplete();
        await _eventLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // _lifetime is not disposed: gathering tasks still finishing may read its token.
    }

    /// <summary>Takes a newly bound socket and its host candidates from the gatherer and starts receiving on it.</summary>
    internal void AddHostSocket(IceSocket socket, List<LocalCandidateEntry> candidates)
    {
        lock (_gate)
        {
            _sockets.Add(socket);
            foreach (var entry in candidates)
            {
                AddLocalCandidateLocked(entry);
            }

            StartReceiving(socket);
            RescheduleLocked();
        }
    }

    /// <summary>Takes a server-reflexive candidate from the gatherer (ignored once disposed).</summary>
    internal void AddServerReflexiveCandidate(LocalCandidateEntry entry)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                AddLocalCandidateLocked(entry);
            }
        }
    }

    /// <summary>Every server answered or timed out: raises end-of-candidates and completes <see cref="GatheringCompleted"/>.</summary>
    internal void OnGatheringComplete()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                Raise(() => LocalCandidate?.Invoke(null));
                RescheduleLocked();
            }
        }

        _gatheringComplete.TrySetResult();
    }

    private bool IsAdvertised(LocalCandidateEntry entry) =>
        _options.Policy == IcePolicy.All || entry.Candidate.Type == IceCandidateType.Relayed;

    private void AddLocalCandidateLocked(LocalCandidateEntry entry)
    {
        _localCandidates.Add(entry);
        IceLog.CandidateGathered(_logger, entry.Candidate.Type, entry.Candidate.Address, entry.Candidate.Port);
        if (IsAdvertised(entry))
        {
            var candidate = entry.Candidate;
            Raise(() => LocalCandidate?.Invoke(candidate));
        }

        if (entry.IsBase && IsAdvertised(entry))
        {
            foreach (var remote in _remoteCandidates)
            {
                AddPairLocked(entry, remote);
            }
        }
    }

    private void Raise(Action action) => _events.Writer.TryWrite(action);

    private async Task RunEventLoopAsync()
    {
        await foreach (var action in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                action();
            }
#pragma warning disable CA1031 // A subscriber's exception must not stop the agent.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                IceLog.EventHandlerFailed(_logger, ex);
            }
        }
    }

    private void SetStateLocked(IceConnectionState state)
    {
        if (_state == state || _state == IceConnectionState.Closed)
        {
            return;
        }

        _state = state;
        IceLog.StateChanged(_logger, state);
        Raise(() => StateChanged?.Invoke(state));
    }

    private void SetRoleLocked(bool controlling)
    {
        if (_controlling == controlling)
        {
            return;
        }

        _controlling = controlling;
        IceLog.RoleSwitched(_logger, controlling);
        foreach (var pair in _pairs)
        {
            pair.ComputePriority(controlling);
            pair.Nominating = false;
            pair.PeerNominated = false;
        }

        SortPairsLocked();
    }

    private void SortPairsLocked() => _pairs.Sort(static (a, b) => b.Priority.CompareTo(a.Priority));
}
