using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PhoneBridge.Stream.Sfu.Events;
using PhoneBridge.Stream.Sfu.Models;
using PhoneBridge.Stream.Sfu.Signal;
using EventError = PhoneBridge.Stream.Sfu.Events.Error;
using ModelError = PhoneBridge.Stream.Sfu.Models.Error;

namespace PhoneBridge.Testing.Stream;

internal sealed partial class FakeStream
{
    private readonly ConcurrentDictionary<string, FakeCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(ErrorCode Code, WebsocketReconnectStrategy Strategy)>> _joinErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _twirpFailures = new(StringComparer.Ordinal);
    private int _connections;

    /// <summary>Every frame clients sent on any SFU socket, with the socket it came on.</summary>
    public ConcurrentQueue<WsFrame> WsFrames { get; } = new();

    /// <summary>Every Twirp call: edge, method, raw Authorization and Content-Type, the parsed request.</summary>
    public ConcurrentQueue<TwirpCall> TwirpCalls { get; } = new();

    /// <summary>Answer health checks (off: the socket goes silent, for unhealthy detection).</summary>
    public bool AnswerHealthChecks { get; set; } = true;

    /// <summary>Send an ice_trickle for the subscriber before each offer (tests client-side buffering).</summary>
    public bool TrickleBeforeOffer { get; set; } = true;

    /// <summary>Sent on each new socket after the JoinRequest and before join_response (an SFU may trickle that early).</summary>
    public ConcurrentQueue<Func<FakeSession, SfuEvent>> BeforeJoinResponse { get; } = new();

    /// <summary>Use the <c>a=msid-semantic:WMS*</c> spelling some SFU builds emit.</summary>
    public bool UseWmsStarQuirk { get; set; } = true;

    public int FastReconnectDeadlineSeconds { get; set; } = 10;

    /// <summary>The next JoinRequest on <paramref name="edge"/> is refused with this error.</summary>
    public void FailNextJoin(string edge, ErrorCode code, WebsocketReconnectStrategy strategy = WebsocketReconnectStrategy.Unspecified) =>
        _joinErrors.GetOrAdd(edge, _ => new()).Enqueue((code, strategy));

    /// <summary>The next call of <paramref name="method"/> fails with HTTP <paramref name="status"/>.</summary>
    public void FailNextTwirp(string method, int status) => _twirpFailures.GetOrAdd(method, _ => new()).Enqueue(status);

    public FakeSession? Session(string sessionId) => _sessions.TryGetValue(sessionId, out var s) ? s : null;

    public IReadOnlyList<FakeSession> Sessions => _sessions.Values.ToList();

    /// <summary>Adds a participant with no socket (e.g. the agent) and tells everyone connected.</summary>
    public async Task<Participant> AddRemoteParticipantAsync(string callCid, string userId, bool publishAudio)
    {
        var session = NewRemoteSession(callCid, userId, publishAudio);
        await AnnounceRemoteAsync(session).ConfigureAwait(false);
        return session.ToParticipant();
    }

    private FakeSession NewRemoteSession(string callCid, string userId, bool publishAudio)
    {
        var call = _calls.GetOrAdd(callCid, c => new FakeCall(c));
        var session = new FakeSession(Guid.NewGuid().ToString(), userId, callCid, "remote", NewPrefix());
        if (publishAudio)
        {
            session.Published.Add(TrackType.Audio);
        }

        _sessions[session.SessionId] = session;
        call.Sessions[session.SessionId] = session;
        return session;
    }

    private async Task AnnounceRemoteAsync(FakeSession session)
    {
        var call = _calls[session.CallCid];
        await BroadcastAsync(call, session.SessionId, new SfuEvent { ParticipantJoined = new ParticipantJoined { CallCid = call.Cid, Participant = session.ToParticipant() } }).ConfigureAwait(false);
        if (session.Published.Contains(TrackType.Audio))
        {
            await BroadcastAsync(call, session.SessionId, new SfuEvent
            {
                TrackPublished = new TrackPublished { UserId = session.UserId, SessionId = session.SessionId, Type = TrackType.Audio, Participant = session.ToParticipant() },
            }).ConfigureAwait(false);
        }
    }

    public async Task RemoveRemoteParticipantAsync(string sessionId)
    {
        if (_sessions.TryRemove(sessionId, out var session) && _calls.TryGetValue(session.CallCid, out var call))
        {
            call.Sessions.TryRemove(sessionId, out _);
            await BroadcastAsync(call, sessionId, new SfuEvent { ParticipantLeft = new ParticipantLeft { CallCid = call.Cid, Participant = session.ToParticipant() } }).ConfigureAwait(false);
            await CloseMediaAsync(session).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the call on the Stream side: every connected participant gets <c>call_ended</c>.</summary>
    public async Task EndCallAsync(string callCid)
    {
        if (_calls.TryGetValue(callCid, out var call))
        {
            await BroadcastAsync(call, "", new SfuEvent { CallEnded = new CallEnded { Reason = CallEndedReason.Ended } }).ConfigureAwait(false);
        }
    }

    /// <summary>Sends an event to one connected session.</summary>
    public Task SendAsync(string sessionId, SfuEvent evt) =>
        _sessions.TryGetValue(sessionId, out var s) ? s.SendAsync(evt) : throw new InvalidOperationException("unknown session " + sessionId);

    /// <summary>Sends raw bytes as one binary frame (malformed-input tests).</summary>
    public Task SendBytesAsync(string sessionId, byte[] bytes) =>
        _sessions.TryGetValue(sessionId, out var s) && s.Socket is { } socket
            ? socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None)
            : Task.CompletedTask;

    /// <summary>Breaks a session's socket without a close handshake (network loss).</summary>
    public void DropSocket(string sessionId)
    {
        if (_sessions.TryGetValue(sessionId, out var s))
        {
            s.Socket?.Abort();
        }
    }

    private static string NewPrefix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private void MapSfu(WebApplication app)
    {
        app.Map("/{edge}/ws", async (HttpContext http, string edge) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                http.Response.StatusCode = 400;
                return;
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            await RunSocketAsync(socket, edge, Interlocked.Increment(ref _connections)).ConfigureAwait(false);
        });

        app.MapPost("/{edge}/twirp/stream.video.sfu.signal.SignalServer/{method}", (HttpContext http, string edge, string method) => HandleTwirpAsync(http, edge, method));
    }

    private async Task RunSocketAsync(WebSocket socket, string edge, int connectionId)
    {
        var first = await ReceiveAsync(socket).ConfigureAwait(false);
        if (first is null)
        {
            return;
        }

        WsFrames.Enqueue(new WsFrame(connectionId, edge, first));
        var join = first.JoinRequest;
        if (join is null || !_sfuTokens.TryGetValue(join.Token, out var token) || token.Edge != edge || string.IsNullOrEmpty(join.SessionId))
        {
            await SendRawAsync(socket, new SfuEvent { Error = new EventError { Error_ = new ModelError { Code = ErrorCode.Unauthenticated, Message = "invalid join request" } } }).ConfigureAwait(false);
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "bad join", CancellationToken.None).ConfigureAwait(false);
            return;
        }

        if (_joinErrors.TryGetValue(edge, out var errors) && errors.TryDequeue(out var injected))
        {
            await SendRawAsync(socket, new SfuEvent
            {
                Error = new EventError { Error_ = new ModelError { Code = injected.Code, Message = "injected", ShouldRetry = true }, ReconnectStrategy = injected.Strategy },
            }).ConfigureAwait(false);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "refused", CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var call = _calls.GetOrAdd(token.CallCid, c => new FakeCall(c));
        var reconnected = false;
        FakeSession session;
        // Protocol doc §5.7: a FAST join takes over the session whether or not the SFU has noticed the old socket
        // go (the client reconnects when *it* finds the socket unhealthy, which may be before the SFU does); a
        // session whose socket closed is kept for the deadline only.
        if (_sessions.TryGetValue(join.SessionId, out var existing) && existing.Edge == edge && !existing.Left
            && join.ReconnectDetails?.Strategy == WebsocketReconnectStrategy.Fast
            && (existing.DisconnectedAt is not { } at || DateTime.UtcNow - at < TimeSpan.FromSeconds(FastReconnectDeadlineSeconds)))
        {
            session = existing;
            reconnected = true;
            existing.Socket?.Abort();
        }
        else
        {
            session = new FakeSession(join.SessionId, token.UserId, token.CallCid, edge, NewPrefix());
            _sessions[session.SessionId] = session;
            call.Sessions[session.SessionId] = session;
        }

        session.Socket = socket;
        session.ConnectionId = connectionId;
        session.DisconnectedAt = null;
        session.Join = join;

        var response = new JoinResponse
        {
            Reconnected = reconnected,
            FastReconnectDeadlineSeconds = FastReconnectDeadlineSeconds,
            CallState = new CallState
            {
                StartedAt = Timestamp.FromDateTime(DateTime.UtcNow),
                ParticipantCount = new ParticipantCount { Total = (uint)call.Sessions.Count },
            },
        };
        response.CallState.Participants.AddRange(call.Sessions.Values.Where(s => !s.Left).Select(s => s.ToParticipant()));
        response.PublishOptions.Add(new PublishOption
        {
            TrackType = TrackType.Audio,
            Id = 1,
            Codec = new Codec { Name = "opus", ClockRate = 48000, PayloadType = 111, Fmtp = "minptime=10;useinbandfec=1" },
        });
        foreach (var early in BeforeJoinResponse)
        {
            await session.SendAsync(early(session)).ConfigureAwait(false);
        }

        await session.SendAsync(new SfuEvent { JoinResponse = response }).ConfigureAwait(false);
        if (!reconnected)
        {
            await BroadcastAsync(call, session.SessionId, new SfuEvent { ParticipantJoined = new ParticipantJoined { CallCid = call.Cid, Participant = session.ToParticipant() } }).ConfigureAwait(false);
        }

        try
        {
            while (true)
            {
                var request = await ReceiveAsync(socket).ConfigureAwait(false);
                if (request is null)
                {
                    break;
                }

                WsFrames.Enqueue(new WsFrame(connectionId, edge, request));
                switch (request.RequestPayloadCase)
                {
                    case SfuRequest.RequestPayloadOneofCase.HealthCheckRequest when AnswerHealthChecks:
                        await session.SendAsync(new SfuEvent { HealthCheckResponse = new HealthCheckResponse { ParticipantCount = new ParticipantCount { Total = (uint)call.Sessions.Count } } }).ConfigureAwait(false);
                        break;
                    case SfuRequest.RequestPayloadOneofCase.LeaveCallRequest:
                        await RemoveSessionAsync(call, session).ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            if (session.Socket == socket)
            {
                session.Socket = null;
                session.DisconnectedAt = DateTime.UtcNow;
            }

            // A session replaced by its migration (same id, another edge) is gone once its socket is.
            if (!session.Left && !(_sessions.TryGetValue(session.SessionId, out var current) && ReferenceEquals(current, session)))
            {
                await CloseMediaAsync(session).ConfigureAwait(false);
            }
        }
    }

    private async Task RemoveSessionAsync(FakeCall call, FakeSession session)
    {
        session.Left = true;
        _sessions.TryRemove(session.SessionId, out _);
        call.Sessions.TryRemove(session.SessionId, out _);
        await BroadcastAsync(call, session.SessionId, new SfuEvent { ParticipantLeft = new ParticipantLeft { CallCid = call.Cid, Participant = session.ToParticipant() } }).ConfigureAwait(false);
        await CloseMediaAsync(session).ConfigureAwait(false);
    }

    private static async Task BroadcastAsync(FakeCall call, string fromSession, SfuEvent evt)
    {
        foreach (var s in call.Sessions.Values.Where(s => s.SessionId != fromSession && s.Socket is not null))
        {
            await s.SendAsync(evt).ConfigureAwait(false);
        }
    }

    private async Task<IResult> HandleTwirpAsync(HttpContext http, string edge, string method)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body).ConfigureAwait(false);
        var auth = http.Request.Headers.Authorization.ToString();
        var contentType = http.Request.ContentType ?? "";
        var token = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : auth;
        IMessage? parsed = method switch
        {
            "SetPublisher" => TryParse(SetPublisherRequest.Parser, body),
            "SendAnswer" => TryParse(SendAnswerRequest.Parser, body),
            "IceTrickle" => TryParse(ICETrickle.Parser, body),
            "UpdateSubscriptions" => TryParse(UpdateSubscriptionsRequest.Parser, body),
            "UpdateMuteStates" => TryParse(UpdateMuteStatesRequest.Parser, body),
            "IceRestart" => TryParse(ICERestartRequest.Parser, body),
            _ => null,
        };
        TwirpCalls.Enqueue(new TwirpCall(edge, method, auth, contentType, parsed));
        if (!_sfuTokens.TryGetValue(token, out var sfuToken) || sfuToken.Edge != edge)
        {
            return TwirpError("unauthenticated", "invalid token", 401);
        }

        if (_twirpFailures.TryGetValue(method, out var failures) && failures.TryDequeue(out var status))
        {
            return TwirpError(status >= 500 ? "unavailable" : "invalid_argument", "injected failure", status);
        }

        if (parsed is null)
        {
            return method is "SetPublisher" or "SendAnswer" or "IceTrickle" or "UpdateSubscriptions" or "UpdateMuteStates" or "IceRestart"
                ? TwirpError("malformed", "could not decode request", 400)
                : TwirpError("bad_route", "no handler for " + method, 404);
        }

        if (!contentType.StartsWith("application/protobuf", StringComparison.Ordinal))
        {
            return TwirpError("malformed", "unexpected content type " + contentType, 400);
        }

        switch (parsed)
        {
            case SetPublisherRequest r:
                {
                    if (Session(r.SessionId) is not { } s)
                    {
                        return Proto(new SetPublisherResponse { Error = NotFound() });
                    }

                    foreach (var track in r.Tracks)
                    {
                        if (!SdpHasTrack(r.Sdp, track.Mid, track.TrackId))
                        {
                            return Proto(new SetPublisherResponse { Error = new ModelError { Code = ErrorCode.PublishTracksMismatch, Message = $"track {track.TrackId} not at mid {track.Mid}" } });
                        }
                    }

                    s.PublisherOffers.Add(r.Sdp);
                    var added = r.Tracks.Any(t => t.TrackType == TrackType.Audio) && !s.Published.Contains(TrackType.Audio);

                    // The track is announced once the media side holds it, so whoever subscribes at once can be forwarded it.
                    var answerSdp = MediaSide is null ? AnswerFor(r.Sdp) : await MediaSide.AnswerPublisherAsync(s, r.Sdp).ConfigureAwait(false);
                    if (added)
                    {
                        s.Published.Add(TrackType.Audio);
                        await BroadcastAsync(_calls[s.CallCid], s.SessionId, new SfuEvent
                        {
                            TrackPublished = new TrackPublished { UserId = s.UserId, SessionId = s.SessionId, Type = TrackType.Audio, Participant = s.ToParticipant() },
                        }).ConfigureAwait(false);
                    }

                    return Proto(new SetPublisherResponse { Sdp = answerSdp, SessionId = s.SessionId });
                }

            case SendAnswerRequest r:
                {
                    if (Session(r.SessionId) is not { } s)
                    {
                        return Proto(new SendAnswerResponse { Error = NotFound() });
                    }

                    if (r.PeerType != PeerType.Subscriber)
                    {
                        return Proto(new SendAnswerResponse { Error = new ModelError { Code = ErrorCode.RequestValidationFailed, Message = "peer_type must be subscriber" } });
                    }

                    s.Answers.Add(r);
                    if (MediaSide is not null)
                    {
                        await MediaSide.SetSubscriberAnswerAsync(s, r.Sdp).ConfigureAwait(false);
                    }

                    s.NegotiationInFlight = false;
                    if (s.RenegotiateAfterAnswer)
                    {
                        s.RenegotiateAfterAnswer = false;
                        await SendOfferAsync(s, iceRestart: false).ConfigureAwait(false);
                    }

                    return Proto(new SendAnswerResponse());
                }

            case ICETrickle r:
                Session(r.SessionId)?.Trickles.Add(r);
                return Proto(new ICETrickleResponse());

            case UpdateSubscriptionsRequest r:
                {
                    if (Session(r.SessionId) is not { } s)
                    {
                        return Proto(new UpdateSubscriptionsResponse { Error = NotFound() });
                    }

                    s.Subscriptions = r.Tracks.Where(t => t.SessionId != s.SessionId).Select(t => t.Clone()).ToList();
                    await RenegotiateAsync(s).ConfigureAwait(false);
                    return Proto(new UpdateSubscriptionsResponse());
                }

            case UpdateMuteStatesRequest r:
                {
                    if (Session(r.SessionId) is not { } s)
                    {
                        return Proto(new UpdateMuteStatesResponse { Error = NotFound() });
                    }

                    foreach (var state in r.MuteStates.Where(m => m.TrackType == TrackType.Audio))
                    {
                        s.Muted = state.Muted;
                        var evt = state.Muted
                            ? new SfuEvent { TrackUnpublished = new TrackUnpublished { UserId = s.UserId, SessionId = s.SessionId, Type = TrackType.Audio, Cause = TrackUnpublishReason.UserMuted } }
                            : new SfuEvent { TrackPublished = new TrackPublished { UserId = s.UserId, SessionId = s.SessionId, Type = TrackType.Audio } };
                        await BroadcastAsync(_calls[s.CallCid], s.SessionId, evt).ConfigureAwait(false);
                    }

                    return Proto(new UpdateMuteStatesResponse());
                }

            case ICERestartRequest r:
                {
                    if (Session(r.SessionId) is not { } s)
                    {
                        return Proto(new ICERestartResponse { Error = NotFound() });
                    }

                    s.IceRestarts++;
                    if (r.PeerType == PeerType.Subscriber)
                    {
                        await SendOfferAsync(s, iceRestart: true).ConfigureAwait(false);
                    }

                    return Proto(new ICERestartResponse());
                }
        }

        return TwirpError("internal", "unhandled", 500);
    }

    private async Task RenegotiateAsync(FakeSession s)
    {
        var forwarded = Forwarded(s);
        if (forwarded.SequenceEqual(s.Forwarded))
        {
            return;
        }

        if (s.NegotiationInFlight)
        {
            s.RenegotiateAfterAnswer = true;
            return;
        }

        await SendOfferAsync(s, iceRestart: false).ConfigureAwait(false);
    }

    private List<string> Forwarded(FakeSession s) =>
        s.Subscriptions
            .Where(t => t.TrackType == TrackType.Audio && _sessions.TryGetValue(t.SessionId, out var p) && p.Published.Contains(TrackType.Audio) && !p.Muted)
            .Select(t => t.SessionId)
            .Order(StringComparer.Ordinal)
            .ToList();

    private async Task SendOfferAsync(FakeSession s, bool iceRestart)
    {
        var forwarded = Forwarded(s);
        s.Forwarded = forwarded;
        s.NegotiationInFlight = true;
        var negotiationId = ++s.NegotiationId;
        var tracks = forwarded
            .Select((id, i) => _sessions.TryGetValue(id, out var p)
                ? new ForwardedTrack(p, $"{p.TrackLookupPrefix}:TRACK_TYPE_AUDIO:s{i}", Guid.NewGuid().ToString())
                : null)
            .OfType<ForwardedTrack>()
            .ToList();
        var sdp = MediaSide is null
            ? OfferFor(tracks.Select(t => t.StreamId).ToList())
            : WithMsidSemantic(await MediaSide.OfferSubscriberAsync(s, tracks, iceRestart).ConfigureAwait(false), tracks.Select(t => t.StreamId).ToList());
        if (TrickleBeforeOffer)
        {
            // Trickled ahead of the offer, so clients must buffer it; with real media it is the offer's own candidate.
            var line = sdp.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith("a=candidate:", StringComparison.Ordinal));
            var candidate = new
            {
                candidate = MediaSide is null || line is null ? "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host" : line[2..],
                sdpMid = MidsOf(sdp).FirstOrDefault() ?? "0",
                sdpMLineIndex = 0,
            };
            await s.SendAsync(new SfuEvent
            {
                IceTrickle = new ICETrickle { PeerType = PeerType.Subscriber, SessionId = s.SessionId, IceCandidate = System.Text.Json.JsonSerializer.Serialize(candidate) },
            }).ConfigureAwait(false);
        }

        s.Offers.Add(sdp);
        await s.SendAsync(new SfuEvent { SubscriberOffer = new SubscriberOffer { Sdp = sdp, IceRestart = iceRestart, NegotiationId = negotiationId } }).ConfigureAwait(false);
    }

    /// <summary>The SFU lists its stream ids in msid-semantic (or emits the <c>WMS*</c> quirk), whatever the stack wrote.</summary>
    private string WithMsidSemantic(string sdp, IReadOnlyList<string> streams)
    {
        var semantic = UseWmsStarQuirk ? "a=msid-semantic:WMS*" : "a=msid-semantic: WMS " + string.Join(' ', streams);
        var lines = sdp.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("a=msid-semantic", StringComparison.Ordinal)).ToList();
        var firstMedia = lines.FindIndex(l => l.StartsWith("m=", StringComparison.Ordinal));
        lines.Insert(firstMedia < 0 ? lines.Count : firstMedia, semantic);
        return string.Join("\r\n", lines) + "\r\n";
    }

    private string OfferFor(IReadOnlyList<string> streams)
    {
        var ufrag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var pwd = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var fp = string.Join(':', Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).Chunk(2).Select(c => new string(c)));
        var sb = new StringBuilder();
        sb.Append("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n");
        if (streams.Count > 0)
        {
            sb.Append("a=group:BUNDLE ").AppendJoin(' ', Enumerable.Range(0, streams.Count)).Append("\r\n");
        }

        sb.Append(UseWmsStarQuirk ? "a=msid-semantic:WMS*\r\n" : "a=msid-semantic: WMS " + string.Join(' ', streams) + "\r\n");
        for (var i = 0; i < streams.Count; i++)
        {
            sb.Append("m=audio 40000 UDP/TLS/RTP/SAVPF 111 63\r\nc=IN IP4 127.0.0.1\r\n")
              .Append("a=ice-ufrag:").Append(ufrag).Append("\r\na=ice-pwd:").Append(pwd).Append("\r\n")
              .Append("a=fingerprint:sha-256 ").Append(fp).Append("\r\na=setup:actpass\r\n")
              .Append("a=mid:").Append(i).Append("\r\na=sendonly\r\na=rtcp-mux\r\n")
              .Append("a=msid:").Append(streams[i]).Append(' ').Append(Guid.NewGuid()).Append("\r\n")
              .Append("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;stereo=1;sprop-stereo=1;useinbandfec=1\r\n")
              .Append("a=rtcp-fb:111 transport-cc \r\na=rtpmap:63 red/48000/2\r\n")
              .Append("a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n");
        }

        return sb.ToString();
    }

    private static string AnswerFor(string offer)
    {
        var sb = new StringBuilder("v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n");
        foreach (var mid in MidsOf(offer))
        {
            sb.Append("m=audio 40001 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=mid:").Append(mid)
              .Append("\r\na=recvonly\r\na=setup:passive\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n");
        }

        return sb.ToString();
    }

    private static IEnumerable<string> MidsOf(string sdp) =>
        sdp.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("a=mid:", StringComparison.Ordinal)).Select(l => l[6..]);

    private static bool SdpHasTrack(string sdp, string mid, string trackId)
    {
        string? currentMid = null;
        foreach (var line in sdp.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                currentMid = null;
            }
            else if (line.StartsWith("a=mid:", StringComparison.Ordinal))
            {
                currentMid = line[6..];
            }
            else if (line.StartsWith("a=msid:", StringComparison.Ordinal) && currentMid == mid && line.Split(' ').ElementAtOrDefault(1) == trackId)
            {
                return true;
            }
        }

        return false;
    }

    private static ModelError NotFound() => new() { Code = ErrorCode.ParticipantNotFound, Message = "participant not found" };

    private static IResult Proto(IMessage message) => Results.Bytes(message.ToByteArray(), "application/protobuf");

    private static IResult TwirpError(string code, string msg, int status) => Results.Json(new { code, msg, meta = new { } }, statusCode: status);

    private static IMessage? TryParse<T>(MessageParser<T> parser, MemoryStream body)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(body.ToArray());
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static async Task<SfuRequest?> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                }
                catch (WebSocketException)
                {
                }

                return null;
            }

            if (result.MessageType != WebSocketMessageType.Binary)
            {
                throw new InvalidDataException("SFU socket frames must be binary");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return SfuRequest.Parser.ParseFrom(message.ToArray());
            }
        }
    }

    private static Task SendRawAsync(WebSocket socket, SfuEvent evt) =>
        socket.SendAsync(evt.ToByteArray(), WebSocketMessageType.Binary, true, CancellationToken.None);

    public sealed record WsFrame(int ConnectionId, string Edge, SfuRequest Request);

    public sealed record TwirpCall(string Edge, string Method, string Authorization, string ContentType, IMessage? Request);

    internal sealed class FakeCall(string cid)
    {
        public string Cid { get; } = cid;

        public ConcurrentDictionary<string, FakeSession> Sessions { get; } = new(StringComparer.Ordinal);
    }

    internal sealed class FakeSession(string sessionId, string userId, string callCid, string edge, string prefix)
    {
        private readonly SemaphoreSlim _send = new(1, 1);

        public string SessionId { get; } = sessionId;

        public string UserId { get; } = userId;

        public string CallCid { get; } = callCid;

        public string Edge { get; } = edge;

        public string TrackLookupPrefix { get; } = prefix;

        /// <summary>Names this session's media; a migrated session keeps its id but gets new media.</summary>
        public string MediaKey { get; } = Guid.NewGuid().ToString("N");

        public WebSocket? Socket { get; set; }

        public int ConnectionId { get; set; }

        public DateTime? DisconnectedAt { get; set; }

        public bool Left { get; set; }

        public bool Muted { get; set; }

        public JoinRequest? Join { get; set; }

        public List<TrackType> Published { get; } = [];

        public List<TrackSubscriptionDetails> Subscriptions { get; set; } = [];

        public List<string> Forwarded { get; set; } = [];

        public bool NegotiationInFlight { get; set; }

        public bool RenegotiateAfterAnswer { get; set; }

        public uint NegotiationId { get; set; }

        public int IceRestarts { get; set; }

        public ConcurrentBag<string> PublisherOffers { get; } = [];

        public List<string> Offers { get; } = [];

        public ConcurrentQueue<SendAnswerRequest> AnswersQueue { get; } = new();

        public List<SendAnswerRequest> Answers { get; } = [];

        public ConcurrentBag<ICETrickle> Trickles { get; } = [];

        public PhoneBridge.Rtc.PeerConnection? PublisherPc { get; set; }

        public PhoneBridge.Rtc.PeerConnection? SubscriberPc { get; set; }

        public long AudibleFramesFromClient;

        public Participant ToParticipant()
        {
            var p = new Participant { UserId = UserId, SessionId = SessionId, TrackLookupPrefix = TrackLookupPrefix, Name = UserId };
            p.PublishedTracks.AddRange(Published);
            return p;
        }

        public async Task SendAsync(SfuEvent evt)
        {
            var socket = Socket;
            if (socket is null)
            {
                return;
            }

            await _send.WaitAsync().ConfigureAwait(false);
            try
            {
                await SendRawAsync(socket, evt).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
            {
            }
            finally
            {
                _send.Release();
            }
        }
    }
}
