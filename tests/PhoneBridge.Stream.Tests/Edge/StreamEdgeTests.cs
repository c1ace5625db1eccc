using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Core;
using PhoneBridge.Audio;
using PhoneBridge.Core.Edge;
using PhoneBridge.Stream.Edge;
using PhoneBridge.Stream.Sfu.Events;
using PhoneBridge.Stream.Sfu.Models;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Edge;

public class StreamEdgeTests
{
    private sealed class Handler : IEdgeSessionHandler, IAudioFrameSink
    {
        public IAudioFrameSink RemoteAudio => this;

        public ConcurrentQueue<short[]> Audio { get; } = new();

        public ConcurrentQueue<string> Hangups { get; } = new();

        public int Resumed;

        public void OnFrame(ReadOnlySpan<short> pcm) => Audio.Enqueue(pcm.ToArray());

        public void OnRemoteAudioResumed() => Interlocked.Increment(ref Resumed);

        public void OnHangupRequested(string reason) => Hangups.Enqueue(reason);
    }

    private sealed class Factory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    private static (StreamEdge Edge, FakeStreamMediaFactory Media) CreateEdge(FakeStream fake)
    {
        var options = SessionFactory.Options(fake);
        var media = new FakeStreamMediaFactory();
        var edge = new StreamEdge(SessionFactory.Coordinator(options), new Factory(), media, TestOptions.Monitor(options), TimeProvider.System, NullLoggerFactory.Instance);
        return (edge, media);
    }

    [Fact]
    public async Task Join_upserts_the_masked_phone_user_and_joins_the_call()
    {
        await using var fake = await FakeStream.StartAsync();
        var (edge, media) = CreateEdge(fake);
        var handler = new Handler();

        await using var session = await edge.JoinAsync(new EdgeJoinRequest("c1", "***4567", "Phone ***4567", 8000), handler, CancellationToken.None);

        var users = Assert.Single(fake.Users);
        var user = users["users"]!["phone-4567"]!;
        Assert.Equal("Phone ***4567", user["name"]!.GetValue<string>());
        var join = Assert.Single(fake.Joins);
        Assert.Equal(("phone-4567", "default:c1"), (join.UserId, join.CallCid));
        Assert.Equal(8000, Assert.Single(media.Created).SampleRate);
        Assert.Equal(1, edge.ActiveSessions);
        Assert.Equal("stream", edge.Name);
    }

    [Fact]
    public async Task Audio_dtmf_and_remote_audio_flow_through_the_session()
    {
        await using var fake = await FakeStream.StartAsync();
        var (edge, mediaFactory) = CreateEdge(fake);
        var handler = new Handler();
        await using var session = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-1", "Phone", 8000), handler, CancellationToken.None);
        var media = Assert.Single(mediaFactory.Created);

        session.OnFrame(new short[160]);
        session.SendDtmf('5');
        session.SendDtmf('#');
        media.Sink.RemoteTrack("agent:TRACK_TYPE_AUDIO:x").OnFrame(Enumerable.Repeat((short)1234, 160).ToArray());

        Assert.Single(media.Sent);
        Assert.All(Assert.Single(handler.Audio), s => Assert.Equal(1234, s));
        await FakeStream.WaitUntilAsync(() => fake.CustomEvents.Count == 2, "two DTMF events");
        var digits = fake.CustomEvents.Select(e => (e["custom"]!["type"]!.GetValue<string>(), e["custom"]!["digit"]!.GetValue<string>(), e["user_id"]!.GetValue<string>()));
        Assert.Equal([("phone.dtmf", "5", "phone-1"), ("phone.dtmf", "#", "phone-1")], digits);
    }

    [Fact]
    public async Task Leave_sends_LeaveCallRequest_and_releases_the_media()
    {
        await using var fake = await FakeStream.StartAsync();
        var (edge, mediaFactory) = CreateEdge(fake);
        var session = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-1", "Phone", 16000), new Handler(), CancellationToken.None);

        var started = Environment.TickCount64;
        await session.LeaveAsync(CancellationToken.None);
        var elapsed = Environment.TickCount64 - started;

        await FakeStream.WaitUntilAsync(() => fake.WsFrames.Any(f => f.Request.LeaveCallRequest is not null), "LeaveCallRequest");
        Assert.True(Assert.Single(mediaFactory.Created).Disposed);
        Assert.True(session.Completion.IsCompletedSuccessfully);
        Assert.Equal(0, edge.ActiveSessions);
        Assert.True(elapsed < 5000, $"leave took {elapsed} ms");
        await session.DisposeAsync();
    }

    [Fact]
    public async Task Call_ended_on_the_stream_side_completes_the_session()
    {
        await using var fake = await FakeStream.StartAsync();
        var (edge, mediaFactory) = CreateEdge(fake);
        await using var session = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-1", "Phone", 8000), new Handler(), CancellationToken.None);
        var sfu = Assert.Single(mediaFactory.Created).Session!;

        await fake.SendAsync(sfu.SessionId, new SfuEvent { CallEnded = new CallEnded { Reason = CallEndedReason.Ended } });

        await session.Completion.WaitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task An_agent_can_request_the_phone_hangup()
    {
        await using var fake = await FakeStream.StartAsync();
        var (edge, _) = CreateEdge(fake);
        var handler = new Handler();
        await using var session = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-1", "Phone", 8000), handler, CancellationToken.None);

        Assert.True(edge.RequestHangup("default", "c1", "done"));
        Assert.False(edge.RequestHangup("default", "other", "done"));

        Assert.Equal("done", Assert.Single(handler.Hangups));
    }

    [Fact]
    public async Task Two_phones_in_one_stream_call_are_both_tracked_and_an_agent_hangup_ends_both()
    {
        await using var fake = await FakeStream.StartAsync();
        var (edge, _) = CreateEdge(fake);
        var (caller, leg) = (new Handler(), new Handler());
        var shared = new PhoneBridge.Core.Calls.EdgeCallAddress("default", "agent-room");

        // The caller, and a warm-transfer leg dialled into the caller's Stream call (the registration names it).
        await using var first = await edge.JoinAsync(new EdgeJoinRequest("c1", "phone-c1", "Phone", 8000, EdgeCall: shared), caller, CancellationToken.None);
        await using var second = await edge.JoinAsync(new EdgeJoinRequest("c2", "phone-c2", "Phone", 8000, EdgeCall: shared), leg, CancellationToken.None);

        Assert.Equal([("phone-c1", "default:agent-room"), ("phone-c2", "default:agent-room")], fake.Joins.Select(j => (j.UserId, j.CallCid)));
        var sessions = fake.Sessions.Where(s => s.CallCid == "default:agent-room").ToList();
        Assert.Equal(2, sessions.Select(s => s.SessionId).Distinct().Count());
        Assert.Equal(2, edge.ActiveSessions);
        Assert.Equal(["c1", "c2"], edge.PhonesIn("default", "agent-room").Order());

        // One phone leaving leaves the other tracked.
        await second.LeaveAsync(CancellationToken.None);
        Assert.Equal(1, edge.ActiveSessions);
        Assert.Equal(["c1"], edge.PhonesIn("default", "agent-room"));
        Assert.True(edge.RequestHangup("default", "agent-room", "done"));
        Assert.Equal("done", Assert.Single(caller.Hangups));
        Assert.Empty(leg.Hangups);

        // With both in the call, the agent's hangup ends the conversation: every phone in it.
        await using var third = await edge.JoinAsync(new EdgeJoinRequest("c3", "phone-c3", "Phone", 8000, EdgeCall: shared), leg, CancellationToken.None);
        Assert.True(edge.RequestHangup("default", "agent-room", "bye"));
        Assert.Equal(["done", "bye"], caller.Hangups);
        Assert.Equal("bye", Assert.Single(leg.Hangups));

        await first.LeaveAsync(CancellationToken.None);
        await third.LeaveAsync(CancellationToken.None);
        Assert.Equal(0, edge.ActiveSessions);
        Assert.False(edge.RequestHangup("default", "agent-room", "late"));
    }

    [Fact]
    public async Task Join_failure_is_reported_and_leaves_nothing_behind()
    {
        await using var fake = await FakeStream.StartAsync("only-edge");
        fake.FailNextJoin("only-edge", ErrorCode.SfuFull);
        var (edge, mediaFactory) = CreateEdge(fake);

        await Assert.ThrowsAnyAsync<Exception>(() => edge.JoinAsync(new EdgeJoinRequest("c1", "phone-1", "Phone", 8000), new Handler(), CancellationToken.None));

        Assert.True(Assert.Single(mediaFactory.Created).Disposed);
        Assert.Equal(0, edge.ActiveSessions);
    }

    [Theory]
    [InlineData("+1 (555) 123-4567", "phone-1-555-123-4567")]
    [InlineData("***4567", "phone-4567")]
    [InlineData("phone-abc", "phone-abc")]
    [InlineData("***", "phone-caller")]
    public void Phone_user_ids_are_prefixed_and_sanitized(string participant, string expected) =>
        Assert.Equal(expected, StreamEdge.PhoneUserId(participant, new StreamOptions()));

    [Fact]
    public void The_stream_edge_replaces_the_echo_edge_only_when_configured()
    {
        static IEdge Resolve(Dictionary<string, string?> config, bool fakeMedia)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration.AddInMemoryCollection(config);
            if (fakeMedia)
            {
                builder.Services.AddSingleton<IStreamMediaFactory, FakeStreamMediaFactory>();
            }

            builder.Services.AddStreamEdge();
            builder.Services.AddPhoneBridgeCore();

            using var app = builder.Build();
            return app.Services.GetRequiredService<IEdge>();
        }

        var configured = new Dictionary<string, string?> { ["Stream:ApiKey"] = "k", ["Stream:ApiSecret"] = TestOptions.ApiSecret };
        Assert.Equal("stream", Resolve(configured, fakeMedia: true).Name);
        Assert.Equal("stream", Resolve(configured, fakeMedia: false).Name);
        Assert.Equal("local", Resolve([], fakeMedia: false).Name);
    }
}
