using System.Net.WebSockets;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Stream.Sfu;
using PhoneBridge.Stream.Sfu.Events;
using PhoneBridge.Stream.Sfu.Models;
using PhoneBridge.Stream.Sfu.Signal;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Sfu;

public class SfuSessionTests
{
    private const string Cid = "default:call-1";

    [Fact]
    public async Task JoinRequest_is_the_first_frame_with_token_session_and_both_sdps()
    {
        await using var fake = await FakeStream.StartAsync();
        var media = new RecordingMediaHandler();
        await using var session = SessionFactory.Create(fake, media);

        await session.JoinAsync(CancellationToken.None);

        var first = fake.WsFrames.First();
        Assert.Equal(SfuRequest.RequestPayloadOneofCase.JoinRequest, first.Request.RequestPayloadCase);
        var join = first.Request.JoinRequest;
        Assert.StartsWith("sfu-", join.Token, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(join.SessionId, out var id) && id.ToString() == session.SessionId);
        Assert.Equal(4, (int)(id.ToByteArray()[7] >> 4));
        Assert.Contains("a=recvonly", join.SubscriberSdp, StringComparison.Ordinal);
        Assert.Contains("m=audio", join.SubscriberSdp, StringComparison.Ordinal);
        Assert.Contains("a=sendonly", join.PublisherSdp, StringComparison.Ordinal);
        Assert.Contains("opus/48000/2", join.PublisherSdp, StringComparison.Ordinal);
        Assert.NotEqual(SdkType.Go, join.ClientDetails.Sdk.Type);
        Assert.Null(join.ReconnectDetails);
        Assert.Equal("sfu-a", session.EdgeName);
    }

    [Fact]
    public async Task Publishes_with_the_real_mid_over_twirp_with_bearer_token()
    {
        await using var fake = await FakeStream.StartAsync();
        var media = new RecordingMediaHandler();
        await using var session = SessionFactory.Create(fake, media);

        await session.JoinAsync(CancellationToken.None);

        var call = Assert.Single(fake.TwirpCalls, c => c.Method == "SetPublisher");
        Assert.StartsWith("Bearer sfu-", call.Authorization, StringComparison.Ordinal);
        Assert.StartsWith("application/protobuf", call.ContentType, StringComparison.Ordinal);
        var request = Assert.IsType<SetPublisherRequest>(call.Request);
        Assert.Equal(session.SessionId, request.SessionId);
        var track = Assert.Single(request.Tracks);
        Assert.Equal(RecordingMediaHandler.AudioMid, track.Mid);
        Assert.Equal(RecordingMediaHandler.TrackId, track.TrackId);
        Assert.Equal(TrackType.Audio, track.TrackType);
        Assert.Equal(["reset", "offer", "publisher-answer"], media.Calls.Take(3));
        Assert.Contains(TrackType.Audio, fake.Session(session.SessionId)!.Published);
    }

    [Fact]
    public async Task Sends_health_checks_periodically()
    {
        await using var fake = await FakeStream.StartAsync();
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());

        await session.JoinAsync(CancellationToken.None);

        await FakeStream.WaitUntilAsync(() => fake.WsFrames.Count(f => f.Request.HealthCheckRequest is not null) >= 3, "three pings");
    }

    [Fact]
    public async Task Subscribes_to_participants_from_the_join_response_and_answers_the_offer()
    {
        await using var fake = await FakeStream.StartAsync();
        var agent = await fake.AddRemoteParticipantAsync(Cid, "agent", publishAudio: true);
        var media = new RecordingMediaHandler();
        await using var session = SessionFactory.Create(fake, media);

        await session.JoinAsync(CancellationToken.None);

        var subscriptions = Assert.IsType<UpdateSubscriptionsRequest>(fake.TwirpCalls.First(c => c.Method == "UpdateSubscriptions").Request);
        var sub = Assert.Single(subscriptions.Tracks);
        Assert.Equal((agent.UserId, agent.SessionId, TrackType.Audio), (sub.UserId, sub.SessionId, sub.TrackType));

        await FakeStream.WaitUntilAsync(() => fake.Session(session.SessionId)!.Answers.Count == 1, "SendAnswer");
        var answer = fake.Session(session.SessionId)!.Answers[0];
        Assert.Equal(PeerType.Subscriber, answer.PeerType);
        Assert.Equal(1u, answer.NegotiationId);
        Assert.Contains("m=audio", answer.Sdp, StringComparison.Ordinal);

        // The SFU's WMS* quirk is normalized before the offer reaches the WebRTC stack.
        var offer = Assert.Single(media.SubscriberOffers);
        Assert.Contains("a=msid-semantic: WMS *", offer, StringComparison.Ordinal);
        Assert.DoesNotContain("transport-cc \r\n", offer, StringComparison.Ordinal);

        // The trickle that came before the offer was held back and applied after it.
        var calls = media.Calls.ToList();
        Assert.True(calls.IndexOf("candidate-subscriber") > calls.IndexOf("subscriber-offer"));
        Assert.Equal("candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", media.RemoteCandidates.Single().Candidate.Candidate);

        // The msid stream id resolves to the agent through its track lookup prefix.
        var streamId = TrackLookup.StreamIdsByMid(offer)["0"];
        Assert.Equal(agent.SessionId, session.Roster.FindByStreamId(streamId)!.SessionId);
    }

    [Fact]
    public async Task Sends_the_full_subscription_list_when_someone_publishes()
    {
        await using var fake = await FakeStream.StartAsync();
        var first = await fake.AddRemoteParticipantAsync(Cid, "agent", publishAudio: true);
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());
        await session.JoinAsync(CancellationToken.None);

        var second = await fake.AddRemoteParticipantAsync(Cid, "human", publishAudio: true);

        await FakeStream.WaitUntilAsync(() => fake.TwirpCalls.Count(c => c.Method == "UpdateSubscriptions") == 2, "second UpdateSubscriptions");
        var last = (UpdateSubscriptionsRequest)fake.TwirpCalls.Last(c => c.Method == "UpdateSubscriptions").Request!;
        Assert.Equal(new[] { first.SessionId, second.SessionId }.Order(StringComparer.Ordinal), last.Tracks.Select(t => t.SessionId));

        await fake.RemoveRemoteParticipantAsync(first.SessionId);
        await FakeStream.WaitUntilAsync(() => fake.TwirpCalls.Count(c => c.Method == "UpdateSubscriptions") == 3, "third UpdateSubscriptions");
        last = (UpdateSubscriptionsRequest)fake.TwirpCalls.Last(c => c.Method == "UpdateSubscriptions").Request!;
        Assert.Equal(second.SessionId, Assert.Single(last.Tracks).SessionId);
    }

    [Fact]
    public async Task Leave_sends_LeaveCallRequest_before_closing()
    {
        await using var fake = await FakeStream.StartAsync();
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());
        await session.JoinAsync(CancellationToken.None);
        var id = session.SessionId;

        await session.LeaveAsync("phone hung up");

        await FakeStream.WaitUntilAsync(() => fake.Session(id) is null, "leave processed");
        var leave = fake.WsFrames.Last(f => f.Request.LeaveCallRequest is not null).Request.LeaveCallRequest;
        Assert.Equal(id, leave.SessionId);
        Assert.Equal("phone hung up", leave.Reason);
        Assert.Null(fake.Session(id));
        Assert.Equal(SfuSessionEndKind.Left, (await session.Completion).Kind);
    }

    [Fact]
    public async Task Socket_loss_reconnects_FAST_with_the_same_session_id()
    {
        await using var fake = await FakeStream.StartAsync();
        var media = new RecordingMediaHandler();
        var reconnects = SessionFactory.ReconnectMetrics();
        await using var session = SessionFactory.Create(fake, media, reconnects: reconnects);
        await session.JoinAsync(CancellationToken.None);
        var id = session.SessionId;

        fake.DropSocket(id);

        await FakeStream.WaitUntilAsync(() => fake.WsFrames.Any(f => f.Request.JoinRequest?.ReconnectDetails is not null), "FAST JoinRequest");
        var rejoin = fake.WsFrames.First(f => f.Request.JoinRequest?.ReconnectDetails is not null).Request.JoinRequest;
        Assert.Equal(id, rejoin.SessionId);
        Assert.Equal(WebsocketReconnectStrategy.Fast, rejoin.ReconnectDetails.Strategy);
        Assert.True(rejoin.FastReconnect);
        Assert.Equal(RecordingMediaHandler.AudioMid, Assert.Single(rejoin.ReconnectDetails.AnnouncedTracks).Mid);
        Assert.Single(fake.Joins);
        await FakeStream.WaitUntilAsync(() => media.PublisherOfferIceRestarts.Contains(true), "publisher ICE restart");
        Assert.Equal(1, media.Resets);
        Assert.Equal(id, session.SessionId);
        Assert.Equal(1, reconnects.Count(EdgeReconnectStrategy.Fast));
    }

    [Fact]
    public async Task Peer_failure_REJOINs_with_a_new_session_id_and_a_new_join()
    {
        await using var fake = await FakeStream.StartAsync();
        var media = new RecordingMediaHandler();
        var reconnects = SessionFactory.ReconnectMetrics();
        await using var session = SessionFactory.Create(fake, media, reconnects: reconnects);
        await session.JoinAsync(CancellationToken.None);
        var oldId = session.SessionId;

        session.ReportPeerFailure(PeerType.Subscriber, "ice failed");

        await FakeStream.WaitUntilAsync(() => fake.Joins.Count == 2 && session.SessionId != oldId && fake.Session(oldId) is null, "REJOIN");
        var join = fake.WsFrames.Last(f => f.Request.JoinRequest is not null).Request.JoinRequest;
        Assert.Equal(WebsocketReconnectStrategy.Rejoin, join.ReconnectDetails.Strategy);
        Assert.Equal(oldId, join.ReconnectDetails.PreviousSessionId);
        Assert.Equal(session.SessionId, join.SessionId);
        Assert.Equal(2, media.Resets);
        Assert.Contains(fake.WsFrames, f => f.Request.LeaveCallRequest?.SessionId == oldId);
        Assert.Equal(1, reconnects.Count(EdgeReconnectStrategy.Rejoin));
    }

    [Fact]
    public async Task GoAway_MIGRATEs_to_another_edge_keeping_the_session_id()
    {
        await using var fake = await FakeStream.StartAsync();
        var media = new RecordingMediaHandler();
        var reconnects = SessionFactory.ReconnectMetrics();
        await using var session = SessionFactory.Create(fake, media, reconnects: reconnects);
        await session.JoinAsync(CancellationToken.None);
        var id = session.SessionId;

        await fake.SendAsync(id, new SfuEvent { GoAway = new GoAway { Reason = GoAwayReason.ShuttingDown } });

        await FakeStream.WaitUntilAsync(() => fake.Joins.Count == 2 && session.EdgeName == "sfu-b", "MIGRATE");
        var body = fake.Joins.Last().Body;
        Assert.Equal("sfu-a", body["migrating_from"]!.GetValue<string>());
        var join = fake.WsFrames.Last(f => f.Request.JoinRequest is not null);
        Assert.Equal("sfu-b", join.Edge);
        Assert.Equal(id, join.Request.JoinRequest.SessionId);
        Assert.Equal(WebsocketReconnectStrategy.Migrate, join.Request.JoinRequest.ReconnectDetails.Strategy);
        Assert.Equal("sfu-a", join.Request.JoinRequest.ReconnectDetails.FromSfuId);

        await FakeStream.WaitUntilAsync(() => fake.TwirpCalls.Any(c => c.Edge == "sfu-b" && c.Method == "SetPublisher"), "republish on the new edge");
        Assert.Contains("reset-keeping-previous", media.Calls);
        Assert.DoesNotContain("release-previous", media.Calls);
        await fake.SendAsync(id, new SfuEvent { ParticipantMigrationComplete = new ParticipantMigrationComplete() });
        await FakeStream.WaitUntilAsync(() => media.Calls.Contains("release-previous"), "the old connections released once the migration completed");
        Assert.False(session.Completion.IsCompleted);
        Assert.Equal(1, reconnects.Count(EdgeReconnectStrategy.Migrate));
    }

    [Fact]
    public async Task Call_ended_ends_the_session_without_reconnecting()
    {
        await using var fake = await FakeStream.StartAsync();
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());
        await session.JoinAsync(CancellationToken.None);

        await fake.SendAsync(session.SessionId, new SfuEvent { CallEnded = new CallEnded { Reason = CallEndedReason.Ended } });

        var end = await session.Completion.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(SfuSessionEndKind.CallEnded, end.Kind);
        // The leave frame is sent while the session winds down and reaches the fake a moment after completion.
        await FakeStream.WaitUntilAsync(() => fake.WsFrames.Any(f => f.Request.LeaveCallRequest is not null), "leave after call_ended");
        Assert.Single(fake.Joins);
    }

    [Fact]
    public async Task Error_with_DISCONNECT_strategy_ends_the_session()
    {
        await using var fake = await FakeStream.StartAsync();
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());
        await session.JoinAsync(CancellationToken.None);

        await fake.SendAsync(session.SessionId, new SfuEvent
        {
            Error = new PhoneBridge.Stream.Sfu.Events.Error { Error_ = new PhoneBridge.Stream.Sfu.Models.Error { Code = ErrorCode.PermissionDenied, Message = "kicked" }, ReconnectStrategy = WebsocketReconnectStrategy.Disconnect },
        });

        var end = await session.Completion.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(SfuSessionEndKind.CallEnded, end.Kind);
        Assert.Contains("kicked", end.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ErrorCode.SfuFull)]
    [InlineData(ErrorCode.SfuShuttingDown)]
    [InlineData(ErrorCode.CallParticipantLimitReached)]
    public async Task Join_refusals_are_retried_on_another_edge(ErrorCode code)
    {
        await using var fake = await FakeStream.StartAsync();
        fake.FailNextJoin("sfu-a", code);
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());

        await session.JoinAsync(CancellationToken.None);

        Assert.Equal("sfu-b", session.EdgeName);
        Assert.Equal(2, fake.Joins.Count);
        Assert.Equal(["sfu-a"], fake.Joins.Last().Body["migrating_from_list"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Join_retries_name_the_last_failed_edge_as_migrating_from_and_all_failed_edges_in_the_list()
    {
        await using var fake = await FakeStream.StartAsync();
        fake.FailNextJoin("sfu-a", ErrorCode.SfuFull);
        fake.FailNextJoin("sfu-b", ErrorCode.SfuFull);
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());

        await session.JoinAsync(CancellationToken.None);

        Assert.Equal("sfu-c", session.EdgeName);
        var joins = fake.Joins.Select(j => j.Body).ToList();
        Assert.Equal(3, joins.Count);
        Assert.Null(joins[0]["migrating_from"]);
        Assert.Null(joins[0]["migrating_from_list"]);
        Assert.Equal("sfu-a", joins[1]["migrating_from"]!.GetValue<string>());
        Assert.Equal(["sfu-a"], joins[1]["migrating_from_list"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("sfu-b", joins[2]["migrating_from"]!.GetValue<string>());
        Assert.Equal(["sfu-a", "sfu-b"], joins[2]["migrating_from_list"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Ice_trickles_sent_before_the_join_response_are_delivered_after_it()
    {
        await using var fake = await FakeStream.StartAsync();
        const string Early = "candidate:7 1 udp 2130706431 127.0.0.1 47000 typ host";
        fake.BeforeJoinResponse.Enqueue(s => new SfuEvent
        {
            IceTrickle = new ICETrickle
            {
                PeerType = PeerType.PublisherUnspecified,
                SessionId = s.SessionId,
                IceCandidate = System.Text.Json.JsonSerializer.Serialize(new { candidate = Early, sdpMid = "0", sdpMLineIndex = 0 }),
            },
        });
        var media = new RecordingMediaHandler();
        await using var session = SessionFactory.Create(fake, media);

        await session.JoinAsync(CancellationToken.None);

        // Held until the join, then applied once the publisher's answer is set (candidates wait for it).
        await FakeStream.WaitUntilAsync(
            () => media.RemoteCandidates.Any(c => c.Peer == PeerType.PublisherUnspecified && c.Candidate.Candidate == Early),
            "the early publisher candidate to reach the media handler");
    }

    [Fact]
    public async Task Join_gives_up_after_the_configured_attempts()
    {
        await using var fake = await FakeStream.StartAsync();
        fake.FailNextJoin("sfu-a", ErrorCode.SfuFull);
        fake.FailNextJoin("sfu-b", ErrorCode.SfuFull);
        var options = SessionFactory.Options(fake);
        options.MaxJoinAttempts = 2;
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler(), options: options);

        var e = await Assert.ThrowsAsync<SfuJoinException>(() => session.JoinAsync(CancellationToken.None));

        Assert.Equal(ErrorCode.SfuFull, e.Code);
        Assert.Equal(2, fake.Joins.Count);
    }

    [Fact]
    public async Task Transient_twirp_failures_are_retried()
    {
        await using var fake = await FakeStream.StartAsync();
        fake.FailNextTwirp("SetPublisher", 503);
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());

        await session.JoinAsync(CancellationToken.None);

        Assert.Equal(2, fake.TwirpCalls.Count(c => c.Method == "SetPublisher"));
    }

    [Fact]
    public async Task Twirp_client_errors_are_not_retried_and_carry_the_twirp_code()
    {
        await using var fake = await FakeStream.StartAsync();
        fake.FailNextTwirp("SetPublisher", 400);
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());

        var e = await Assert.ThrowsAsync<TwirpException>(() => session.JoinAsync(CancellationToken.None));

        Assert.Equal("invalid_argument", e.TwirpCode);
        Assert.Single(fake.TwirpCalls, c => c.Method == "SetPublisher");
    }

    [Fact]
    public async Task A_silent_socket_is_closed_as_unhealthy_and_reconnected()
    {
        await using var fake = await FakeStream.StartAsync();
        var options = SessionFactory.Options(fake);
        options.UnhealthyTimeout = TimeSpan.FromSeconds(1);
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler(), options: options);
        await session.JoinAsync(CancellationToken.None);
        fake.AnswerHealthChecks = false;

        await FakeStream.WaitUntilAsync(() => fake.WsFrames.Any(f => f.Request.JoinRequest?.ReconnectDetails?.Strategy == WebsocketReconnectStrategy.Fast), "FAST after unhealthy");
        fake.AnswerHealthChecks = true;
    }

    [Fact]
    public async Task Mute_state_is_sent_to_the_sfu()
    {
        await using var fake = await FakeStream.StartAsync();
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());
        await session.JoinAsync(CancellationToken.None);

        await session.SetAudioMutedAsync(true, CancellationToken.None);

        var request = Assert.IsType<UpdateMuteStatesRequest>(fake.TwirpCalls.Last().Request);
        Assert.True(Assert.Single(request.MuteStates).Muted);
        Assert.True(fake.Session(session.SessionId)!.Muted);
    }

    [Fact]
    public async Task Local_candidates_are_trickled_and_subscriber_ice_restart_is_requested()
    {
        await using var fake = await FakeStream.StartAsync();
        await fake.AddRemoteParticipantAsync(Cid, "agent", publishAudio: true);
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());
        await session.JoinAsync(CancellationToken.None);

        session.SendLocalCandidate(PeerType.PublisherUnspecified, new IceCandidateInit("candidate:9 1 udp 1 127.0.0.1 5000 typ host", "3", 0, "ufr"));
        await fake.SendAsync(session.SessionId, new SfuEvent { IceRestart = new ICERestart { PeerType = PeerType.Subscriber } });

        await FakeStream.WaitUntilAsync(() => fake.Session(session.SessionId)!.Trickles.Count == 1, "IceTrickle");
        var trickle = fake.Session(session.SessionId)!.Trickles.Single();
        Assert.Equal(PeerType.PublisherUnspecified, trickle.PeerType);
        Assert.True(IceCandidateInit.TryParse(trickle.IceCandidate, out var c));
        Assert.Equal("3", c!.SdpMid);
        await FakeStream.WaitUntilAsync(() => fake.Session(session.SessionId)!.IceRestarts == 1, "IceRestart RPC");
    }

    [Fact]
    public async Task Malformed_sfu_frames_are_dropped_and_the_session_goes_on()
    {
        await using var fake = await FakeStream.StartAsync();
        await using var session = SessionFactory.Create(fake, new RecordingMediaHandler());
        await session.JoinAsync(CancellationToken.None);

        await fake.SendBytesAsync(session.SessionId, [0xFF, 0xFF, 0xFF, 0x07, 0x01]);
        var agent = await fake.AddRemoteParticipantAsync(Cid, "agent", publishAudio: true);

        await FakeStream.WaitUntilAsync(() => fake.TwirpCalls.Any(c => c.Method == "UpdateSubscriptions"), "subscription after the bad frame");
        Assert.False(session.Completion.IsCompleted);
        Assert.Single(fake.Joins);
        Assert.NotNull(session.Roster.Find(agent.SessionId));
    }

    [Fact]
    public async Task Twirp_200_with_an_error_is_a_typed_SfuErrorException()
    {
        await using var fake = await FakeStream.StartAsync();
        var options = SessionFactory.Options(fake);
        var join = await SessionFactory.Coordinator(options).JoinCallAsync("default", "c1", "u1", new PhoneBridge.Stream.Coordinator.JoinCallOptions(), CancellationToken.None);
        var twirp = new SfuTwirpClient(new HttpClient(), join.Credentials.Server.Url, join.Credentials.Token, TimeSpan.FromSeconds(10), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var e = await Assert.ThrowsAsync<SfuErrorException>(() => twirp.UpdateSubscriptionsAsync(new UpdateSubscriptionsRequest { SessionId = "nobody" }, CancellationToken.None));

        Assert.Equal(ErrorCode.ParticipantNotFound, e.Code);
        Assert.Single(fake.TwirpCalls);
    }

    [Fact]
    public async Task Twirp_with_a_wrong_token_is_unauthenticated()
    {
        await using var fake = await FakeStream.StartAsync();
        var twirp = new SfuTwirpClient(new HttpClient(), fake.BaseUrl + "sfu-a/twirp", "forged", TimeSpan.FromSeconds(10), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var e = await Assert.ThrowsAsync<TwirpException>(() => twirp.IceRestartAsync(new ICERestartRequest { SessionId = "x" }, CancellationToken.None));

        Assert.Equal("unauthenticated", e.TwirpCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, e.StatusCode);
    }
}
