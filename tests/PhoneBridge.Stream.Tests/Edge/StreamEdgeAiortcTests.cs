using PhoneBridge.Audio;
using PhoneBridge.Stream.Sfu.Events;
using PhoneBridge.Stream.Sfu.Models;
using PhoneBridge.Stream.Sfu.Signal;
using PhoneBridge.Stream.Tests.Fakes;
using Xunit.Abstractions;
using EventError = PhoneBridge.Stream.Sfu.Events.Error;
using ModelError = PhoneBridge.Stream.Sfu.Models.Error;

namespace PhoneBridge.Stream.Tests.Edge;

/// <summary>
/// Whole calls through the Stream edge (our WebRTC stack) into the fake Stream whose media side is aiortc, an
/// independent stack: it relays the phone's Opus to an agent that answers (echoes what it hears) and relays the
/// agent back. Audio is judged over windows of seconds against the known signal the phone speaks.
/// </summary>
[Collection(AiortcMediaFixture.Collection)]
public sealed class StreamEdgeAiortcTests(AiortcMediaFixture fixture, ITestOutputHelper output) : IClassFixture<AiortcMediaFixture>
{
    [Fact]
    public async Task A_call_carries_audio_both_ways_and_dtmf_and_the_phone_hangs_up()
    {
        await RunAsync(async call =>
        {
            var phone = call.PhoneSession;
            AssertGood(await call.MeasureBothWaysAsync(0));
            Assert.Equal(AudioFrame.SamplesAt(AiortcCall.Rate), call.Ear.FrameSize);

            call.Session.SendDtmf('1');
            call.Session.SendDtmf('#');
            await FakeStream.WaitUntilAsync(() => call.Fake.CustomEvents.Count == 2, "two DTMF events");
            Assert.Equal([("phone.dtmf", "1"), ("phone.dtmf", "#")],
                call.Fake.CustomEvents.Select(e => (e["custom"]!["type"]!.GetValue<string>(), e["custom"]!["digit"]!.GetValue<string>())));

            // Protocol doc §7, client side: the JoinRequest is the first frame and carries both throw-away SDPs;
            // SetPublisher names the real mid (the fake refuses a mismatch); the agent, known only from the
            // JoinResponse, is subscribed; the SFU's offer (written by aiortc) is answered with peer_type=1 and the
            // negotiation id echoed; health checks flow.
            var first = call.Fake.WsFrames.First(f => f.ConnectionId == phone.ConnectionId).Request.JoinRequest;
            Assert.True(first is { SubscriberSdp.Length: > 0, PublisherSdp.Length: > 0 } && first.SessionId == phone.SessionId);
            var publish = call.Fake.TwirpCalls.Select(c => c.Request).OfType<SetPublisherRequest>().First();
            Assert.Contains("a=mid:" + Assert.Single(publish.Tracks).Mid, publish.Sdp, StringComparison.Ordinal);
            Assert.Contains(call.Fake.TwirpCalls.Select(c => c.Request).OfType<UpdateSubscriptionsRequest>(),
                r => r.Tracks.Any(t => t.SessionId == call.Agent.SessionId && t.TrackType == TrackType.Audio));
            Assert.Contains($"a=msid:{call.Agent.TrackLookupPrefix}:TRACK_TYPE_AUDIO:", Assert.Single(phone.Offers), StringComparison.Ordinal);
            var answer = Assert.Single(phone.Answers);
            Assert.Equal((PeerType.Subscriber, 1u), (answer.PeerType, answer.NegotiationId));
            Assert.Contains(call.Fake.WsFrames, f => f.ConnectionId == phone.ConnectionId && f.Request.HealthCheckRequest is not null);

            await call.Session.LeaveAsync(CancellationToken.None);

            await FakeStream.WaitUntilAsync(() => call.Fake.WsFrames.Any(f => f.Request.LeaveCallRequest?.SessionId == phone.SessionId), "LeaveCallRequest");
            Assert.Null(call.Fake.Session(phone.SessionId));
            await FakeStream.WaitUntilAsync(() => !PublisherFrames(call).ContainsKey(phone.MediaKey), "the SFU to close the phone's media");
            var (_, agentFrames) = await call.Media.HeardAsync(call.Agent, 0);
            await Task.Delay(500);
            Assert.Equal(agentFrames, (await call.Media.HeardAsync(call.Agent, 0)).Frames);
        });
    }

    [Fact]
    public async Task The_stream_side_hanging_up_ends_the_phone_session()
    {
        await RunAsync(async call =>
        {
            var phone = call.PhoneSession;
            await FakeStream.WaitUntilAsync(() => call.Ear.AudibleSince(0), "the phone to hear the agent", 30000);

            await call.Fake.EndCallAsync(call.CallCid);

            await call.Session.Completion.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(call.Session.Completion.IsCompletedSuccessfully);

            // The bridge then releases the edge session, which releases the media the SFU side held for it.
            await call.Session.DisposeAsync();
            Assert.Equal(0, call.Edge.ActiveSessions);
            await FakeStream.WaitUntilAsync(() => !PublisherFrames(call).ContainsKey(phone.MediaKey), "the SFU to close the phone's media");
        });
    }

    [Fact]
    public async Task FAST_reconnect_restarts_ice_through_aiortc_and_audio_flows_after_it()
    {
        await RunAsync(async call =>
        {
            var phone = call.PhoneSession;
            await FakeStream.WaitUntilAsync(() => call.Ear.AudibleSince(0), "the phone to hear the agent", 30000);

            call.Fake.DropSocket(phone.SessionId);

            await FakeStream.WaitUntilAsync(() => phone.PublisherOffers.Count == 2, "the ICE-restart publisher offer", 30000);
            var mark = call.Ear.Written;
            var ufrags = phone.PublisherOffers.Select(IceUfrag).Distinct().Count();
            Assert.Equal(2, ufrags);
            Assert.Same(phone, call.PhoneSession);
            Assert.Single(call.Fake.Joins);
            var rejoin = call.Fake.WsFrames.Last(f => f.Request.JoinRequest is not null).Request.JoinRequest;
            Assert.Equal((WebsocketReconnectStrategy.Fast, phone.SessionId), (rejoin.ReconnectDetails.Strategy, rejoin.SessionId));

            AssertGood(await call.MeasureBothWaysAsync(mark));
            Assert.True(PublisherFrames(call).ContainsKey(phone.MediaKey), "the restarted publisher connection is the same aiortc connection");
        });
    }

    [Fact]
    public async Task A_subscriber_ICE_restart_asked_by_the_SFU_is_renegotiated_with_aiortc_and_audio_flows_after_it()
    {
        await RunAsync(async call =>
        {
            var phone = call.PhoneSession;
            await FakeStream.WaitUntilAsync(() => call.Ear.AudibleSince(0), "the phone to hear the agent", 30000);

            await call.Fake.SendAsync(phone.SessionId, new SfuEvent { IceRestart = new ICERestart { PeerType = PeerType.Subscriber } });

            await FakeStream.WaitUntilAsync(() => phone.Answers.Count == 2, "the answer to the ICE-restart offer", 30000);
            var mark = call.Ear.Written;
            Assert.Equal(1, phone.IceRestarts);
            Assert.Equal(2, phone.Offers.Select(IceUfrag).Distinct().Count());
            Assert.Equal(2u, phone.Answers[1].NegotiationId);

            AssertGood(await call.MeasureBothWaysAsync(mark));
            Assert.Same(phone, call.PhoneSession);
        });
    }

    [Fact]
    public async Task REJOIN_builds_new_connections_through_aiortc_and_audio_flows_after_it()
    {
        await RunAsync(async call =>
        {
            var old = call.PhoneSession;
            await FakeStream.WaitUntilAsync(() => call.Ear.AudibleSince(0), "the phone to hear the agent", 30000);

            await call.Fake.SendAsync(old.SessionId, new SfuEvent
            {
                Error = new EventError { Error_ = new ModelError { Code = ErrorCode.InternalServerError, Message = "injected" }, ReconnectStrategy = WebsocketReconnectStrategy.Rejoin },
            });

            // The new session may first be offered its own old session too (still in the call when it joined), then
            // renegotiated without it once that leaves: it has answered when it answered every offer.
            await FakeStream.WaitUntilAsync(() => call.Fake.Session(old.SessionId) is null && call.PhoneSession is { Answers.Count: >= 1 } rejoined
                && rejoined.Answers.Count == rejoined.Offers.Count, "the rejoined session to answer its offers", 30000);
            var mark = call.Ear.Written;
            var now = call.PhoneSession;
            Assert.NotEqual(old.SessionId, now.SessionId);
            Assert.Equal(2, call.Fake.Joins.Count);
            Assert.Equal(old.SessionId, now.Join!.ReconnectDetails.PreviousSessionId);

            AssertGood(await call.MeasureBothWaysAsync(mark));
            var frames = PublisherFrames(call);
            Assert.False(frames.ContainsKey(old.MediaKey), "the old publisher connection is closed");
            Assert.True(frames.ContainsKey(now.MediaKey));
        });
    }

    [Fact]
    public async Task MIGRATE_moves_to_another_edge_through_aiortc_and_audio_flows_after_it()
    {
        await RunAsync(async call =>
        {
            var old = call.PhoneSession;
            await FakeStream.WaitUntilAsync(() => call.Ear.AudibleSince(0), "the phone to hear the agent", 30000);

            await call.Fake.SendAsync(old.SessionId, new SfuEvent { GoAway = new GoAway { Reason = GoAwayReason.ShuttingDown } });

            await FakeStream.WaitUntilAsync(() => call.PhoneSession.Edge == "sfu-b" && call.PhoneSession.Answers.Count == 1, "the migrated session to answer its offer", 30000);
            var now = call.PhoneSession;
            Assert.Equal(old.SessionId, now.SessionId);
            Assert.Equal("sfu-a", call.Fake.Joins.Last().Body["migrating_from"]!.GetValue<string>());
            Assert.Equal((WebsocketReconnectStrategy.Migrate, "sfu-a"), (now.Join!.ReconnectDetails.Strategy, now.Join.ReconnectDetails.FromSfuId));

            // Until the SFU reports the migration complete, the old edge keeps receiving the phone (protocol doc §5.7).
            var before = PublisherFrames(call)[old.MediaKey];
            await FakeStream.WaitUntilAsync(() => PublisherFrames(call).GetValueOrDefault(old.MediaKey) >= before + 25, "the old edge to keep receiving during the migration");
            await call.Fake.SendAsync(now.SessionId, new SfuEvent { ParticipantMigrationComplete = new ParticipantMigrationComplete() });
            var mark = call.Ear.Written;

            AssertGood(await call.MeasureBothWaysAsync(mark));
            await FakeStream.WaitUntilAsync(() => !PublisherFrames(call).ContainsKey(old.MediaKey), "the old edge to close its media once its socket is gone");
            Assert.True(PublisherFrames(call).ContainsKey(now.MediaKey));
            Assert.False(call.Session.Completion.IsCompleted);
        });
    }

    private static Dictionary<string, long> PublisherFrames(AiortcCall call) => call.Media.PublisherFramesAsync().GetAwaiter().GetResult();

    private static string IceUfrag(string sdp) =>
        sdp.Split('\n').Select(l => l.TrimEnd('\r')).First(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal));

    private void AssertGood(List<(AudioQuality.Measurement Phone, AudioQuality.Measurement Agent)> windows)
    {
        foreach (var (phone, agent) in windows)
        {
            output.WriteLine($"phone → agent: {agent}; agent → phone: {phone}");
        }

        var (heard, spoken) = windows[^1];
        Assert.True(AudioQuality.IsGood(spoken), "phone → agent: " + spoken);
        Assert.True(AudioQuality.IsGood(heard), "agent → phone: " + heard);
    }

    private async Task RunAsync(Func<AiortcCall, Task> test)
    {
        var stderrBefore = fixture.Media.Stderr.Length;
        try
        {
            await using var call = await AiortcCall.StartAsync(fixture.Media);
            await test(call);
        }
        catch (Exception)
        {
            output.WriteLine("sfu_media.py stderr:\n" + fixture.Media.Stderr[stderrBefore..]);
            throw;
        }
    }
}
