using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Sfu.Events;
using PhoneBridge.Stream.Sfu.Models;
using PhoneBridge.Stream.Sfu.Signal;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// One participant session in a Stream call: join (coordinator <c>/join</c>, the SFU signalling socket, publish,
/// subscribe), then one loop that handles every SFU event in order, so offers are negotiated one at a time, then
/// leave. When the loop hears the connection is lost or must move, it hands over to <see cref="SfuReconnector"/>
/// (FAST, REJOIN, MIGRATE) and carries on with the connection that leaves it.
/// </summary>
public sealed class SfuSession : IAsyncDisposable
{
    /// <summary>How long a leave (or a socket close during recovery) may take.</summary>
    internal static readonly TimeSpan LeaveGrace = TimeSpan.FromSeconds(1);

    private const int MaxBufferedCandidates = 64;

    private readonly StreamCoordinatorClient _coordinator;
    private readonly HttpClient _sfuHttp;
    private readonly StreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ISfuMediaHandler _media;
    private readonly Channel<SessionInput> _inputs = Channel.CreateBounded<SessionInput>(
        new BoundedChannelOptions(512) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<SfuSessionEnd> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<IceCandidateInit> _publisherCandidates = new();
    private readonly Queue<IceCandidateInit> _subscriberCandidates = new();
    private readonly string _unifiedSessionId;
    private readonly SfuReconnector _reconnector;

    private SfuTwirpClient? _twirp;
    private List<TrackInfo> _announcedTracks = [];
    private List<TrackSubscriptionDetails> _lastSubscriptions = [];
    private bool _publisherRemoteSet;
    private bool _subscriberRemoteSet;
    private int _generation;
    private Task _loop = Task.CompletedTask;
    private int _leaving;

    public SfuSession(
        string callType,
        string callId,
        string userId,
        ISfuMediaHandler media,
        StreamCoordinatorClient coordinator,
        HttpClient sfuHttp,
        StreamOptions options,
        TimeProvider time,
        ILogger<SfuSession> logger,
        EdgeReconnectMetrics? reconnectMetrics = null)
    {
        CallType = callType;
        CallId = callId;
        UserId = userId;
        _media = media;
        _coordinator = coordinator;
        _sfuHttp = sfuHttp;
        _options = options;
        _time = time;
        _logger = logger;
        SessionId = Guid.NewGuid().ToString();
        _unifiedSessionId = SessionId;
        Roster = new SfuRoster(SessionId);
        _reconnector = new SfuReconnector(this, media, options, time, logger, reconnectMetrics);
    }

    public string CallType { get; }

    public string CallId { get; }

    public string CallCid => CallType + ":" + CallId;

    public string UserId { get; }

    /// <summary>Our SFU session id (UUIDv4). Kept by FAST and MIGRATE, replaced by REJOIN.</summary>
    public string SessionId { get; private set; }

    /// <summary>The SFU we are connected to.</summary>
    public string? EdgeName => Credentials?.Credentials.Server.EdgeName;

    public SfuRoster Roster { get; }

    /// <summary>False after the SFU revoked the grant to publish audio.</summary>
    public bool CanPublishAudio { get; private set; } = true;

    /// <summary>Completes once when the session is over; never faults.</summary>
    public Task<SfuSessionEnd> Completion => _completion.Task;

    /// <summary>Raised on the session loop for every SFU event after it was handled (for observers; must not block).</summary>
    public event Action<SfuEvent>? EventHandled;

    /// <summary>The current signalling socket; replaced by every reconnection.</summary>
    internal SfuSignalConnection? Connection { get; set; }

    /// <summary>The coordinator's answer to the last <c>/join</c>: the SFU, its token and ICE servers.</summary>
    internal JoinCallResponse? Credentials { get; private set; }

    /// <summary>The SFU's <c>join_response</c> on the current socket.</summary>
    internal JoinResponse? LastJoinResponse { get; private set; }

    /// <summary>Joins: coordinator <c>/join</c>, SFU socket, publish, subscribe. Retries other edges when one is full.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        await ConnectNewAsync(reconnect: null, migratingFrom: null, linked.Token).ConfigureAwait(false);
        await AfterConnectAsync(fast: false, linked.Token).ConfigureAwait(false);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Tells the SFU our audio is muted or not (<c>UpdateMuteStates</c>).</summary>
    public async Task SetAudioMutedAsync(bool muted, CancellationToken cancellationToken)
    {
        var twirp = _twirp ?? throw new InvalidOperationException("Not joined.");
        var request = new UpdateMuteStatesRequest { SessionId = SessionId };
        request.MuteStates.Add(new TrackMuteState { TrackType = TrackType.Audio, Muted = muted });
        await twirp.UpdateMuteStatesAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Called by the media handler for each local candidate (trickled with <c>IceTrickle</c>).</summary>
    public void SendLocalCandidate(PeerType peer, IceCandidateInit candidate) =>
        _inputs.Writer.TryWrite(new SessionInput(InputKind.LocalCandidate, _generation, Peer: peer, Candidate: candidate));

    /// <summary>Called by the media handler when a peer connection failed: the session REJOINs.</summary>
    public void ReportPeerFailure(PeerType peer, string reason) =>
        _inputs.Writer.TryWrite(new SessionInput(InputKind.PeerFailed, _generation, Peer: peer, Reason: reason));

    /// <summary>
    /// Asks the coordinator for an SFU and joins it with fresh peer connections (keeping the old ones while migrating);
    /// an edge that is full or unreachable is avoided on the next attempt.
    /// </summary>
    internal async Task ConnectNewAsync(ReconnectDetails? reconnect, string? migratingFrom, CancellationToken ct)
    {
        var avoid = new List<string>();
        if (migratingFrom is not null)
        {
            avoid.Add(migratingFrom);
        }

        for (var attempt = 1; ; attempt++)
        {
            // Like stream-py, a retry names the edge that just failed as migrating_from too, not only in the list.
            var credentials = await _coordinator.JoinCallAsync(CallType, CallId, UserId,
                new JoinCallOptions(true, avoid.Count > 0 ? avoid[^1] : null, avoid.ToList()), ct).ConfigureAwait(false);
            var edge = credentials.Credentials.Server.EdgeName;
            if (migratingFrom is null)
            {
                await _media.ResetAsync(credentials.Credentials.IceServers ?? [], ct).ConfigureAwait(false);
            }
            else
            {
                // The old SFU keeps carrying the call until it reports the migration complete (protocol doc §5.7).
                await _media.ResetKeepingPreviousAsync(credentials.Credentials.IceServers ?? [], ct).ConfigureAwait(false);
            }

            ResetNegotiationState();
            try
            {
                await OpenSocketAsync(credentials, reconnect, ct).ConfigureAwait(false);
                return;
            }
            catch (SfuJoinException e) when (e.TryAnotherEdge && attempt < _options.MaxJoinAttempts)
            {
                SfuSessionLog.JoinRefused(_logger, edge, e.Code.ToString(), attempt);
                avoid.Add(edge);
            }
            catch (Exception e) when (e is TimeoutException or WebSocketException && attempt < _options.MaxJoinAttempts)
            {
                SfuSessionLog.JoinUnreachable(_logger, edge, e.Message, attempt);
                avoid.Add(edge);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Opens a signalling socket to the credentials' SFU and sends the JoinRequest (a reconnecting one with details).</summary>
    internal async Task OpenSocketAsync(JoinCallResponse credentials, ReconnectDetails? reconnect, CancellationToken ct)
    {
        var join = new JoinRequest
        {
            Token = credentials.Credentials.Token,
            SessionId = SessionId,
            SubscriberSdp = ThrowAwaySdp.Create(subscriber: true),
            PublisherSdp = ThrowAwaySdp.Create(subscriber: false),
            ClientDetails = SfuClientDetails.Create(),
            UnifiedSessionId = _unifiedSessionId,
        };
        if (reconnect is not null)
        {
            join.ReconnectDetails = reconnect;
            join.FastReconnect = reconnect.Strategy == WebsocketReconnectStrategy.Fast;
        }

        var generation = Interlocked.Increment(ref _generation);
        var (connection, response) = await SfuSignalConnection.ConnectAsync(
            new Uri(credentials.Credentials.Server.WsEndpoint), join, generation, _options, _time, _logger,
            evt => _inputs.Writer.WriteAsync(new SessionInput(InputKind.Event, generation, Event: evt)),
            (c, end) => _inputs.Writer.TryWrite(new SessionInput(InputKind.SocketEnded, c.Generation, End: end)),
            ct).ConfigureAwait(false);

        Connection = connection;
        Credentials = credentials;
        _twirp = new SfuTwirpClient(_sfuHttp, credentials.Credentials.Server.Url, credentials.Credentials.Token,
            _options.SignalTimeout, _time, _logger);
        Roster.LocalSessionId = SessionId;
        Roster.Reset(response.CallState?.Participants ?? []);
        LastJoinResponse = response;
        SfuSessionLog.Joined(_logger, credentials.Credentials.Server.EdgeName, CallCid, SessionId, Roster.Count);
        if (credentials.OwnCapabilities is { } caps && !caps.Contains("send-audio"))
        {
            SfuSessionLog.AudioNotAllowed(_logger);
        }
    }

    /// <summary>Publishes and subscribes on a new socket (with an ICE restart and forced subscriptions after FAST).</summary>
    internal async Task AfterConnectAsync(bool fast, CancellationToken ct)
    {
        await PublishAsync(iceRestart: fast, ct).ConfigureAwait(false);
        await UpdateSubscriptionsAsync(force: fast, ct).ConfigureAwait(false);
        _media.OnRosterChanged(Roster);
    }

    private void ResetNegotiationState()
    {
        _publisherRemoteSet = false;
        _subscriberRemoteSet = false;
        _publisherCandidates.Clear();
        _subscriberCandidates.Clear();
        _lastSubscriptions = [];
    }

    private async Task PublishAsync(bool iceRestart, CancellationToken ct)
    {
        var offer = await _media.CreatePublisherOfferAsync(iceRestart, ct).ConfigureAwait(false);
        var request = new SetPublisherRequest { Sdp = offer.Sdp, SessionId = SessionId };
        request.Tracks.AddRange(offer.Tracks);
        var response = await Twirp.SetPublisherAsync(request, ct).ConfigureAwait(false);
        await _media.SetPublisherAnswerAsync(response.Sdp, ct).ConfigureAwait(false);
        _announcedTracks = offer.Tracks.ToList();
        _publisherRemoteSet = true;
        while (_publisherCandidates.TryDequeue(out var candidate))
        {
            _media.AddRemoteCandidate(PeerType.PublisherUnspecified, candidate);
        }
    }

    private SfuTwirpClient Twirp => _twirp ?? throw new InvalidOperationException("Not joined.");

    private async Task UpdateSubscriptionsAsync(bool force, CancellationToken ct)
    {
        var desired = Roster.DesiredAudioSubscriptions();
        if (!force && SameSubscriptions(desired, _lastSubscriptions))
        {
            return;
        }

        var request = new UpdateSubscriptionsRequest { SessionId = SessionId };
        request.Tracks.AddRange(desired);
        await Twirp.UpdateSubscriptionsAsync(request, ct).ConfigureAwait(false);
        _lastSubscriptions = desired;
    }

    private static bool SameSubscriptions(List<TrackSubscriptionDetails> a, List<TrackSubscriptionDetails> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Equals(p.Second));

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        try
        {
            await foreach (var input in _inputs.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var action = await HandleAsync(input, ct).ConfigureAwait(false);
                if (action.End is { } end)
                {
                    if (end.Kind == SfuSessionEndKind.CallEnded && Connection is { } c)
                    {
                        await c.LeaveAsync(SessionId, end.Reason, LeaveGrace).ConfigureAwait(false);
                    }

                    End(end.Kind, end.Reason);
                    return;
                }

                if (action.Reconnect is { } strategy)
                {
                    if (!await _reconnector.ReconnectAsync(strategy, action.Reason, ct).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            End(SfuSessionEndKind.Failed, e.Message);
        }
    }

    private async Task<LoopAction> HandleAsync(SessionInput input, CancellationToken ct)
    {
        switch (input.Kind)
        {
            case InputKind.SocketEnded when input.Generation == Connection?.Generation:
                if (input.End == SfuSocketEnd.Closed)
                {
                    return default;
                }

                _reconnector.SocketLost();
                return LoopAction.ReconnectWith(WebsocketReconnectStrategy.Fast, $"signalling socket {input.End}");
            case InputKind.PeerFailed:
                return LoopAction.ReconnectWith(WebsocketReconnectStrategy.Rejoin, $"{input.Peer} connection failed: {input.Reason}");
            case InputKind.MigrationTimeout when input.Generation == Connection?.Generation && _reconnector.Migration.InProgress:
                return LoopAction.ReconnectWith(WebsocketReconnectStrategy.Rejoin, "migration did not complete");
            case InputKind.LocalCandidate when input.Candidate is not null:
                await TryAsync("ice candidate", () => Twirp.IceTrickleAsync(new ICETrickle
                {
                    PeerType = input.Peer,
                    IceCandidate = input.Candidate.ToJson(),
                    SessionId = SessionId,
                }, ct)).ConfigureAwait(false);
                return default;
            case InputKind.Event when input.Event is not null && input.Generation == Connection?.Generation:
                var action = await HandleEventAsync(input.Event, ct).ConfigureAwait(false);
                EventHandled?.Invoke(input.Event);
                return action;
            default:
                return default;
        }
    }

    private async Task<LoopAction> HandleEventAsync(SfuEvent evt, CancellationToken ct)
    {
        switch (evt.EventPayloadCase)
        {
            case SfuEvent.EventPayloadOneofCase.SubscriberOffer:
                await TryAsync("subscriber offer", () => AnswerOfferAsync(evt.SubscriberOffer, ct)).ConfigureAwait(false);
                break;
            case SfuEvent.EventPayloadOneofCase.IceTrickle:
                OnRemoteCandidate(evt.IceTrickle);
                break;
            case SfuEvent.EventPayloadOneofCase.ParticipantJoined:
                Roster.Upsert(evt.ParticipantJoined.Participant ?? new Participant());
                await RosterChangedAsync(ct).ConfigureAwait(false);
                break;
            case SfuEvent.EventPayloadOneofCase.ParticipantUpdated:
                Roster.Upsert(evt.ParticipantUpdated.Participant ?? new Participant());
                await RosterChangedAsync(ct).ConfigureAwait(false);
                break;
            case SfuEvent.EventPayloadOneofCase.ParticipantLeft:
                Roster.Remove(evt.ParticipantLeft.Participant?.SessionId ?? "");
                await RosterChangedAsync(ct).ConfigureAwait(false);
                break;
            case SfuEvent.EventPayloadOneofCase.TrackPublished:
                var published = evt.TrackPublished;
                Roster.SetTrack(published.UserId, published.SessionId, published.Type, true, published.Participant);
                await RosterChangedAsync(ct).ConfigureAwait(false);
                break;
            case SfuEvent.EventPayloadOneofCase.TrackUnpublished:
                var unpublished = evt.TrackUnpublished;
                Roster.SetTrack(unpublished.UserId, unpublished.SessionId, unpublished.Type, false, unpublished.Participant);
                await RosterChangedAsync(ct).ConfigureAwait(false);
                break;
            case SfuEvent.EventPayloadOneofCase.Error:
                var error = evt.Error.Error_ ?? new Models.Error();
                SfuSessionLog.SfuError(_logger, error.Code.ToString(), error.Message);
                return evt.Error.ReconnectStrategy switch
                {
                    WebsocketReconnectStrategy.Disconnect => LoopAction.EndWith(SfuSessionEndKind.CallEnded, $"SFU error {error.Code}: {error.Message}"),
                    WebsocketReconnectStrategy.Fast or WebsocketReconnectStrategy.Rejoin or WebsocketReconnectStrategy.Migrate =>
                        LoopAction.ReconnectWith(evt.Error.ReconnectStrategy, $"SFU error {error.Code}"),
                    _ => default,
                };
            case SfuEvent.EventPayloadOneofCase.CallGrantsUpdated:
                CanPublishAudio = evt.CallGrantsUpdated.CurrentGrants?.CanPublishAudio ?? true;
                if (!CanPublishAudio)
                {
                    SfuSessionLog.AudioNotAllowed(_logger);
                }

                break;
            case SfuEvent.EventPayloadOneofCase.GoAway:
                SfuSessionLog.GoAway(_logger, evt.GoAway.Reason.ToString());
                return LoopAction.ReconnectWith(WebsocketReconnectStrategy.Migrate, $"go_away {evt.GoAway.Reason}");
            case SfuEvent.EventPayloadOneofCase.IceRestart:
                if (evt.IceRestart.PeerType == PeerType.Subscriber)
                {
                    await TryAsync("ice restart", () => Twirp.IceRestartAsync(
                        new ICERestartRequest { SessionId = SessionId, PeerType = PeerType.Subscriber }, ct)).ConfigureAwait(false);
                }
                else
                {
                    await TryAsync("ice restart", () => PublishAsync(iceRestart: true, ct)).ConfigureAwait(false);
                }

                break;
            case SfuEvent.EventPayloadOneofCase.CallEnded:
                return LoopAction.EndWith(SfuSessionEndKind.CallEnded, $"call ended ({evt.CallEnded.Reason})");
            case SfuEvent.EventPayloadOneofCase.ParticipantMigrationComplete:
                await _reconnector.Migration.CompleteAsync().ConfigureAwait(false);
                break;
        }

        return default;
    }

    private async Task AnswerOfferAsync(SubscriberOffer offer, CancellationToken ct)
    {
        var answer = await _media.AnswerSubscriberOfferAsync(SfuSdpFixes.Normalize(offer.Sdp), ct).ConfigureAwait(false);
        _subscriberRemoteSet = true;
        while (_subscriberCandidates.TryDequeue(out var candidate))
        {
            _media.AddRemoteCandidate(PeerType.Subscriber, candidate);
        }

        await Twirp.SendAnswerAsync(new SendAnswerRequest
        {
            PeerType = PeerType.Subscriber,
            Sdp = answer,
            SessionId = SessionId,
            NegotiationId = offer.NegotiationId,
        }, ct).ConfigureAwait(false);
        _media.OnRosterChanged(Roster);
    }

    private void OnRemoteCandidate(ICETrickle trickle)
    {
        if (!IceCandidateInit.TryParse(trickle.IceCandidate, out var candidate) || candidate is null)
        {
            SfuSessionLog.BadCandidate(_logger);
            return;
        }

        if (candidate.IsEndOfCandidates)
        {
            return;
        }

        var subscriber = trickle.PeerType == PeerType.Subscriber;
        if (subscriber ? _subscriberRemoteSet : _publisherRemoteSet)
        {
            _media.AddRemoteCandidate(trickle.PeerType, candidate);
            return;
        }

        // Early candidates (before the matching description) are kept, bounded, and applied once it is set.
        var queue = subscriber ? _subscriberCandidates : _publisherCandidates;
        if (queue.Count == MaxBufferedCandidates)
        {
            queue.Dequeue();
        }

        queue.Enqueue(candidate);
    }

    private async Task RosterChangedAsync(CancellationToken ct)
    {
        await TryAsync("subscriptions", () => UpdateSubscriptionsAsync(force: false, ct)).ConfigureAwait(false);
        _media.OnRosterChanged(Roster);
    }

    private async Task TryAsync(string what, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SfuErrorException or TwirpException or InvalidOperationException or FormatException)
        {
            SfuSessionLog.HandlingFailed(_logger, what, e.Message);
        }
    }

    /// <summary>What a reconnecting JoinRequest announces: the tracks we publish and the subscriptions we want.</summary>
    internal ReconnectDetails CreateReconnectDetails(WebsocketReconnectStrategy strategy, int attempt, string reason)
    {
        var details = new ReconnectDetails { Strategy = strategy, ReconnectAttempt = (uint)attempt + 1, Reason = reason };
        details.AnnouncedTracks.AddRange(_announcedTracks.Select(t => t.Clone()));
        details.Subscriptions.AddRange(Roster.DesiredAudioSubscriptions());
        return details;
    }

    /// <summary>REJOIN joins as a new participant session.</summary>
    internal void RenewSessionId() => SessionId = Guid.NewGuid().ToString();

    /// <summary>Called when a migration's timer ran out; the loop REJOINs if that migration is still the current one.</summary>
    internal void ReportMigrationTimeout(int generation) =>
        _inputs.Writer.TryWrite(new SessionInput(InputKind.MigrationTimeout, generation));

    /// <summary>Sends <c>leave_call_request</c> and closes the socket (≤ 1 s). Idempotent.</summary>
    public async ValueTask LeaveAsync(string reason)
    {
        if (Interlocked.Exchange(ref _leaving, 1) == 1)
        {
            return;
        }

        // The SFU hears the leave first; the loop (maybe mid-RPC) is stopped after, so leaving stays within a second.
        await _stop.CancelAsync().ConfigureAwait(false);
        var connection = Connection;
        if (connection is not null)
        {
            await connection.LeaveAsync(SessionId, reason, LeaveGrace).ConfigureAwait(false);
        }

        End(SfuSessionEndKind.Left, reason);
        try
        {
            await _loop.WaitAsync(LeaveGrace, _time).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The loop is stuck in an RPC that its cancelled token ends shortly; leaving does not wait for it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await LeaveAsync("dispose").ConfigureAwait(false);
        if (Connection is not null)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }

        await _reconnector.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    internal void End(SfuSessionEndKind kind, string reason)
    {
        if (_completion.TrySetResult(new SfuSessionEnd(kind, reason)))
        {
            SfuSessionLog.Ended(_logger, kind, reason);
            _stop.Cancel();
        }
    }

    private enum InputKind
    {
        Event,
        SocketEnded,
        PeerFailed,
        LocalCandidate,
        MigrationTimeout,
    }

    private readonly record struct SessionInput(
        InputKind Kind,
        int Generation,
        SfuEvent? Event = null,
        SfuSocketEnd End = default,
        PeerType Peer = default,
        IceCandidateInit? Candidate = null,
        string? Reason = null);

    private readonly record struct LoopAction(WebsocketReconnectStrategy? Reconnect, SfuSessionEnd? End, string Reason)
    {
        public static LoopAction ReconnectWith(WebsocketReconnectStrategy strategy, string reason) => new(strategy, null, reason);

        public static LoopAction EndWith(SfuSessionEndKind kind, string reason) => new(null, new SfuSessionEnd(kind, reason), reason);
    }
}
