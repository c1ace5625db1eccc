using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>The edge joined at registration, before the media socket, and taken by the bridge when the stream starts.</summary>
[Collection(HotPathCollection.Name)]
public class EarlyEdgeJoinTests
{
    private static readonly TimeSpan Wait = TestTimeouts.Wait;

    [Fact]
    public async Task TheJoinStartsAtRegistrationBesideAPrepareStepStillRunning()
    {
        var edge = new FakeEdge();
        var agent = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var h = new EarlyEdgeJoinHarness(edge, prepare: (_, _) => agent.Task);

        // Nothing has claimed the call, and the agent launch has not finished: the edge is joined anyway.
        var request = await edge.Requested.WaitAsync(Wait);
        Assert.False(agent.Task.IsCompleted);
        Assert.Equal(h.Registration.CallId, request.CallId);
        Assert.Equal(PhoneParticipant.UserId(h.Registration.CallId), request.ParticipantId);
        Assert.Equal("Phone ***4567", request.DisplayName);
        Assert.Equal(8000, request.SampleRate);
        Assert.Null(request.Prepared);
        Assert.Equal(h.Registration.Info.EdgeCall, request.EdgeCall);
        Assert.Equal(8000, h.Registration.Info.ExpectedSampleRate);
        agent.SetResult(null);
    }

    [Fact]
    public async Task TheStreamTakesThePreJoinedSessionWithoutASecondJoin()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var session = await edge.Joined.WaitAsync(Wait);
        var run = h.Attach();
        var phone = await h.StartAsync();

        phone.CallerAudio.OnFrame(BridgeHarness.Frame(7));
        Assert.Equal(BridgeHarness.Frame(7), await Read(session.Received));
        session.Handler.RemoteAudio.OnFrame(BridgeHarness.Frame(9));
        Assert.Equal(BridgeHarness.Frame(9), await Read(h.Phone.Sent));
        phone.OnDtmf('5');
        Assert.Equal('5', await session.Digits.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(1, edge.Joins);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
        await session.Left.WaitAsync(Wait);
        await session.Disposed.WaitAsync(Wait);
        Assert.Equal(1, edge.Joins);
    }

    [Fact]
    public async Task AJoinStillRunningIsWaitedForAndEarlyAudioIsFlushedIntoIt()
    {
        var edge = new FakeEdge(joinImmediately: false);
        using var h = new EarlyEdgeJoinHarness(edge);
        await edge.Requested.WaitAsync(Wait);
        var run = h.Attach();
        var phone = await h.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            phone.CallerAudio.OnFrame(BridgeHarness.Frame(i));
        }

        edge.AllowJoin();
        var session = await edge.Joined.WaitAsync(Wait);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(BridgeHarness.Frame(i), await Read(session.Received));
        }

        Assert.Equal(1, edge.Joins);
        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task RemoteAudioBeforeTheBridgeAttachesIsDroppedWithoutAllocating()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var session = await edge.Joined.WaitAsync(Wait);
        var early = session.Handler;
        var frame = BridgeHarness.Frame(3);
        early.RemoteAudio.OnFrame(frame);
        early.OnRemoteAudioResumed();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            early.RemoteAudio.OnFrame(frame);
            early.OnRemoteAudioResumed();
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());

        var run = h.Attach();
        var phone = await h.StartAsync();
        phone.CallerAudio.OnFrame(BridgeHarness.Frame(1));
        Assert.Equal(BridgeHarness.Frame(1), await Read(session.Received));

        // Only what the edge sends once the bridge is attached reaches the phone; the resumes before did not clear it.
        early.RemoteAudio.OnFrame(BridgeHarness.Frame(9));
        Assert.Equal(BridgeHarness.Frame(9), await Read(h.Phone.Sent));
        Assert.False(h.Phone.Sent.Reader.TryRead(out _));
        Assert.Equal(0, h.Phone.Clears);
        Assert.Equal(1, h.Counters.FramesToPhone);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task LiveAudioThroughAPreJoinedSessionDoesNotAllocate()
    {
        var edge = new CountingEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var session = await edge.Session.Task.WaitAsync(Wait);
        var phone = new CountingPhone();
        var call = h.Claim();
        var run = h.Bridge.AttachPhoneToCallAsync(call, phone, PhoneParticipant.UserId(call.CallId), CancellationToken.None);
        var handler = await phone.Handler.Task.WaitAsync(Wait);
        handler.OnStarted(new PhoneStreamStart("MZ", null, PhoneAudioFormat.MuLaw8k, new Dictionary<string, string>()));

        var frame = new short[160];
        for (var i = 0; session.Frames == 0 && i < 3000; i++)
        {
            handler.CallerAudio.OnFrame(frame);
            await Task.Delay(10);
        }

        Assert.NotEqual(0, session.Frames);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            handler.CallerAudio.OnFrame(frame);
            session.Handler.RemoteAudio.OnFrame(frame);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(1000, phone.Frames);
        Assert.Equal(1, edge.Joins);

        phone.Stop.TrySetResult();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task AStreamAtAnotherRateLeavesThePreJoinedSessionAndJoinsAtItsOwn()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var early = await edge.Joined.WaitAsync(Wait);
        var run = h.Attach();
        var phone = await h.StartAsync(PhoneAudioFormat.L16_16k);

        await early.Left.WaitAsync(Wait);
        await early.Disposed.WaitAsync(Wait);
        var session = await SecondSessionAsync(edge);
        Assert.Equal([8000, 16000], edge.Requests.Select(r => r.SampleRate));
        phone.CallerAudio.OnFrame(BridgeHarness.Frame(4, 320));
        Assert.Equal(BridgeHarness.Frame(4, 320), await Read(session.Received));
        Assert.True(early.Received.Reader.Count == 0, "the unused session got no caller audio");

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task AnotherParticipantIdLeavesThePreJoinedSessionAndJoinsAsThatParticipant()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var early = await edge.Joined.WaitAsync(Wait);
        var run = h.Attach(participantId: "phone-other");
        await h.StartAsync();

        await early.Left.WaitAsync(Wait);
        await SecondSessionAsync(edge);
        Assert.Equal("phone-other", edge.Requests.Last().ParticipantId);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task AFailedPreJoinIsLoggedOnceAndTheStreamJoinsAsBefore()
    {
        var edge = new FakeEdge { FailJoinWith = new InvalidOperationException("sfu down") };
        var preJoinLog = new ListLogger<EdgePreJoiner>();
        var bridgeLog = new ListLogger<CallBridge>();
        using var h = new EarlyEdgeJoinHarness(edge, preJoinLog: preJoinLog, bridgeLog: bridgeLog);
        var call = h.Claim();
        Assert.Null(await call.EdgeJoin!.Session.WaitAsync(Wait));
        edge.FailJoinWith = null;

        var run = h.Attach(call);
        var phone = await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);
        phone.CallerAudio.OnFrame(BridgeHarness.Frame(2));
        Assert.Equal(BridgeHarness.Frame(2), await Read(session.Received));
        Assert.Equal(2, edge.Joins);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
        var warning = Assert.Single(preJoinLog.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(1321, warning.EventId.Id);
        Assert.IsType<InvalidOperationException>(warning.Exception);
        Assert.DoesNotContain(bridgeLog.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task ASessionThatFailedBeforeTheStreamStartedIsLeftAndTheStreamJoinsAfresh()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var early = await edge.Joined.WaitAsync(Wait);
        early.Fail(new InvalidOperationException("sfu connection lost"));

        var run = h.Attach();
        var phone = await h.StartAsync();
        var session = await SecondSessionAsync(edge);
        await early.Disposed.WaitAsync(Wait);
        phone.CallerAudio.OnFrame(BridgeHarness.Frame(6));
        Assert.Equal(BridgeHarness.Frame(6), await Read(session.Received));
        Assert.False(run.IsCompleted);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task AnEdgeCallThatEndedBeforeTheStreamStartedEndsThePhoneCall()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var early = await edge.Joined.WaitAsync(Wait);
        early.End();

        var run = h.Attach();
        await h.StartAsync();

        Assert.Equal("edge call ended", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
        await early.Disposed.WaitAsync(Wait);
        Assert.Equal(1, edge.Joins);
    }

    [Fact]
    public async Task AHangupAskedForBeforeTheStreamStartedIsCarriedOutOnceAttached()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var early = await edge.Joined.WaitAsync(Wait);
        early.Handler.OnHangupRequested("agent is done");

        var run = h.Attach();
        await h.StartAsync();

        Assert.Equal("hangup requested by edge", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
        await early.Left.WaitAsync(Wait);
        Assert.Equal(1, edge.Joins);
    }

    [Fact]
    public async Task TheBridgeStillWaitsForThePrepareStepBeforeGoingLive()
    {
        var edge = new FakeEdge();
        var agent = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var h = new EarlyEdgeJoinHarness(edge, prepare: (_, _) => agent.Task);
        var session = await edge.Joined.WaitAsync(Wait);
        var run = h.Attach();
        var phone = await h.StartAsync();
        phone.CallerAudio.OnFrame(BridgeHarness.Frame(8));
        await Task.Delay(50);
        Assert.Equal(0, session.Received.Reader.Count);

        agent.SetResult(null);
        Assert.Equal(BridgeHarness.Frame(8), await Read(session.Received));
        Assert.Equal(1, edge.Joins);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task AFailedPrepareStepHangsUpAndThePreJoinedSessionIsLeft()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge, prepare: (_, _) => Task.FromException<object?>(new InvalidOperationException("agent down")));
        var early = await edge.Joined.WaitAsync(Wait);
        var run = h.Attach();
        await h.StartAsync();

        Assert.Equal("prepare failed", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
        await early.Left.WaitAsync(Wait);
        await early.Disposed.WaitAsync(Wait);
        Assert.Equal(1, edge.Joins);
    }

    [Fact]
    public async Task ExpiryUnclaimedLeavesThePreJoinedSession()
    {
        var edge = new FakeEdge();
        var time = new FakeTimeProvider();
        using var h = new EarlyEdgeJoinHarness(edge, registryTime: time);
        var early = await edge.Joined.WaitAsync(Wait);

        time.Advance(TimeSpan.FromSeconds(11));

        await early.Left.WaitAsync(Wait);
        await early.Disposed.WaitAsync(Wait);
        Assert.Equal(0, h.Registry.Count);
    }

    [Fact]
    public async Task ReleaseUnclaimedLeavesThePreJoinedSession()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var early = await edge.Joined.WaitAsync(Wait);

        h.Registry.Release(h.Registration.CallId);

        await early.Left.WaitAsync(Wait);
        await early.Disposed.WaitAsync(Wait);
    }

    [Fact]
    public async Task ReleaseWhileTheJoinRunsCancelsIt()
    {
        var edge = new FakeEdge(joinImmediately: false);
        using var h = new EarlyEdgeJoinHarness(edge);
        await edge.Requested.WaitAsync(Wait);

        h.Registry.Release(h.Registration.CallId);

        await FakeEdgeWaits.UntilAsync(() => Volatile.Read(ref edge.Cancellations) == 1);
        edge.AllowJoin();
        Assert.Empty(edge.Sessions);
    }

    [Fact]
    public async Task APhoneStreamThatEndsBeforeItsStartLeavesThePreJoinedSession()
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge);
        var early = await edge.Joined.WaitAsync(Wait);
        var run = h.Attach();
        await h.Phone.HandlerAsync();

        h.Phone.Stop();
        await run.WaitAsync(Wait);

        await early.Left.WaitAsync(Wait);
        await early.Disposed.WaitAsync(Wait);
        Assert.Equal(1, edge.Joins);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(8000, false)]
    public async Task WithoutAKnownRateOrWithTheOptionOffTheBridgeJoinsWhenTheStreamStarts(int? rate, bool enabled)
    {
        var edge = new FakeEdge();
        using var h = new EarlyEdgeJoinHarness(edge, expectedSampleRate: rate, joinAtRegistration: enabled);
        var call = h.Claim();
        Assert.Null(call.EdgeJoin);
        Assert.Equal(0, edge.Joins);

        var run = h.Attach(call);
        await h.StartAsync();
        var request = await edge.Requested.WaitAsync(Wait);
        Assert.Equal(PhoneParticipant.UserId(call.CallId), request.ParticipantId);
        Assert.Equal(1, edge.Joins);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    private static async Task<FakeEdgeSession> SecondSessionAsync(FakeEdge edge)
    {
        await FakeEdgeWaits.UntilAsync(() => edge.Sessions.Count >= 2);
        return edge.Sessions.ElementAt(1);
    }

    private static async Task<T> Read<T>(Channel<T> channel) => await channel.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    private static class FakeEdgeWaits
    {
        public static async Task UntilAsync(Func<bool> condition)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline, "timed out");
                await Task.Delay(10);
            }
        }
    }

    private sealed class CountingEdge : IEdge
    {
        public int Joins;

        public TaskCompletionSource<CountingSession> Session { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "counting";

        public Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Joins);
            var session = new CountingSession(handler);
            Session.TrySetResult(session);
            return Task.FromResult<IEdgeSession>(session);
        }
    }

    private sealed class CountingSession(IEdgeSessionHandler handler) : IEdgeSession
    {
        private int _frames;

        public IEdgeSessionHandler Handler { get; } = handler;

        public int Frames => Volatile.Read(ref _frames);

        public Task Completion { get; } = new TaskCompletionSource().Task;

        public void OnFrame(ReadOnlySpan<short> frame) => Interlocked.Increment(ref _frames);

        public void SendDtmf(char digit)
        {
        }

        public ValueTask LeaveAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
