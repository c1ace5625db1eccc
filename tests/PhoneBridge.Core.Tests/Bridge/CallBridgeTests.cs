using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Bridge;

public class CallBridgeTests
{
    private static readonly TimeSpan Wait = TestTimeouts.Wait;

    [Fact]
    public async Task EarlyAudioIsBoundedToTheNewestFramesAndFlushedOldestFirst()
    {
        var edge = new FakeEdge(joinImmediately: false);
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        var phone = await h.StartAsync();
        await edge.Requested.WaitAsync(Wait);

        for (var i = 0; i < 30; i++)
        {
            phone.CallerAudio.OnFrame(BridgeHarness.Frame(i));
        }

        Assert.Equal(20, h.Counters.FramesDropped);
        edge.AllowJoin();
        var session = await edge.Joined.WaitAsync(Wait);

        // 200 ms at 8 kHz is ten 20 ms frames: the last ten, in order, at the phone's frame size.
        for (var i = 20; i < 30; i++)
        {
            Assert.Equal(BridgeHarness.Frame(i), await Read(session.Received));
        }

        phone.CallerAudio.OnFrame(BridgeHarness.Frame(30));
        Assert.Equal(BridgeHarness.Frame(30), await Read(session.Received));
        Assert.Equal(31, h.Counters.FramesFromPhone);
        Assert.Equal(20, h.Counters.FramesDropped);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task EarlyAudioKeepsTheNewestSamplesWhenOneWriteExceedsTheBuffer()
    {
        var edge = new FakeEdge(joinImmediately: false);
        using var h = new BridgeHarness(edge, preLiveBuffer: TimeSpan.FromMilliseconds(40));
        var run = h.Attach();
        var phone = await h.StartAsync();

        var big = Enumerable.Range(0, 500).Select(i => (short)i).ToArray();
        phone.CallerAudio.OnFrame(big);
        edge.AllowJoin();
        var session = await edge.Joined.WaitAsync(Wait);

        Assert.Equal(big[180..340], await Read(session.Received));
        Assert.Equal(big[340..500], await Read(session.Received));

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task AudioFlowsBothWaysOnceLive()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        var phone = await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);

        phone.CallerAudio.OnFrame(BridgeHarness.Frame(7));
        Assert.Equal(BridgeHarness.Frame(7), await Read(session.Received));

        session.Handler.RemoteAudio.OnFrame(BridgeHarness.Frame(9));
        Assert.Equal(BridgeHarness.Frame(9), await Read(h.Phone.Sent));
        Assert.Equal(1, h.Counters.FramesToPhone);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task JoinRequestCarriesRatePreparedResultAndMaskedNames()
    {
        var prepared = new PreparedProbe();
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge, prepare: (_, _) => Task.FromResult<object?>(prepared));
        var run = h.Attach();
        await h.StartAsync(PhoneAudioFormat.L16_16k);

        var request = await edge.Requested.WaitAsync(Wait);
        Assert.Equal(h.Call.CallId, request.CallId);
        Assert.Equal(16000, request.SampleRate);
        Assert.Same(prepared, request.Prepared);
        Assert.Equal("phone-4567", request.ParticipantId);
        Assert.Equal("Phone ***4567", request.DisplayName);
        Assert.DoesNotContain("5551234567", request.DisplayName, StringComparison.Ordinal);

        await edge.Joined.WaitAsync(Wait);
        h.Phone.Stop();
        await run.WaitAsync(Wait);

        // The bridge owns a claimed call's prepared work and disposes it when the call is over.
        await prepared.Disposed.WaitAsync(Wait);
    }

    [Fact]
    public async Task DtmfGoesToTheEdge()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        var phone = await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);
        await EnsureLive(phone, session);

        phone.OnDtmf('5');
        phone.OnDtmf('#');
        Assert.Equal('5', await session.Digits.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal('#', await session.Digits.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task DtmfPressedWhileTheEdgeJoinsArrivesInOrderOnceLive()
    {
        var edge = new FakeEdge(joinImmediately: false);
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        var phone = await h.StartAsync();
        await edge.Requested.WaitAsync(Wait);

        phone.OnDtmf('1');
        phone.OnDtmf('2');
        edge.AllowJoin();
        var session = await edge.Joined.WaitAsync(Wait);
        await EnsureLive(phone, session);
        phone.OnDtmf('3');

        Assert.Equal('1', await session.Digits.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal('2', await session.Digits.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal('3', await session.Digits.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task RemoteAudioResumingClearsThePhoneBuffer()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);

        session.Handler.OnRemoteAudioResumed();
        Assert.Equal(1, h.Phone.Clears);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task PhoneEndingLeavesTheEdgeAndReleasesTheCall()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);
        Assert.Equal(1, h.Counters.ActiveCalls);

        h.Phone.Stop();
        await run.WaitAsync(Wait);

        Assert.True(session.Left.IsCompleted);
        Assert.True(session.Disposed.IsCompleted);
        Assert.False(h.Phone.HungUp.IsCompleted);
        Assert.Equal(0, h.Registry.Count);
        Assert.True(h.Call.Ended.IsCancellationRequested);
        Assert.Equal(0, h.Counters.ActiveCalls);
        Assert.Equal(1, h.Counters.CallsTotal);
    }

    [Fact]
    public async Task PhoneStreamFailureEndsTheCallWithoutThrowing()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        h.Phone.FailWith = new IOException("socket reset");
        var run = h.Attach();
        await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
        Assert.True(session.Left.IsCompleted);
        Assert.Equal(0, h.Registry.Count);
    }

    [Fact]
    public async Task PhoneThatSentNoStartInTimeIsHungUpAndReleasedWithOneWarning()
    {
        var edge = new FakeEdge();
        var logger = new ListLogger<CallBridge>();
        using var h = new BridgeHarness(edge, logger: logger);
        h.Phone.FailWith = new PhoneStreamTimeoutException(PhoneStreamTimeout.Start, TimeSpan.FromSeconds(10));
        var run = h.Attach();
        await h.Phone.HandlerAsync();

        h.Phone.Stop();
        await run.WaitAsync(Wait);

        // A provider call can outlive its media socket, so the phone is hung up through its API too.
        Assert.Equal("no start message", await h.Phone.HungUp.WaitAsync(Wait));
        Assert.Equal(0, h.Registry.Count);
        Assert.Equal(0, h.Counters.ActiveCalls);
        Assert.Equal(0, edge.Joins);
        var warning = Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(1240, warning.EventId.Id);
        Assert.Contains(h.Call.CallId, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("1234567", warning.Message, StringComparison.Ordinal);
        Assert.Null(warning.Exception);
    }

    [Fact]
    public async Task KeepAliveTimeoutThatAlsoAbortedTheRequestIsReportedOnceAsSuch()
    {
        // The server aborting the socket aborts its request too, which may release the call before the stream ends.
        var edge = new FakeEdge();
        var logger = new ListLogger<CallBridge>();
        using var h = new BridgeHarness(edge, logger: logger);
        h.Phone.FailWith = new PhoneStreamTimeoutException(PhoneStreamTimeout.KeepAlive, null);
        h.Phone.IgnoresCancellation = true;
        var run = h.Attach();
        await h.StartAsync();
        await edge.Joined.WaitAsync(Wait);

        await h.Cancellation.CancelAsync();
        await run.WaitAsync(Wait);

        Assert.Equal(0, h.Registry.Count);
        Assert.Equal(0, h.Counters.ActiveCalls);
        var warning = Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(1241, warning.EventId.Id);
        Assert.Contains(h.Call.CallId, warning.Message, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.EventId.Id == 1203 && e.Message.EndsWith("keep-alive pings unanswered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PhoneEndingBeforeStartEndsWithoutJoining()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.Phone.HandlerAsync();
        h.Phone.Stop();
        await run.WaitAsync(Wait);
        Assert.Equal(0, edge.Joins);
        Assert.Equal(0, h.Registry.Count);
    }

    [Fact]
    public async Task PhoneEndingDuringJoinCancelsIt()
    {
        var edge = new FakeEdge(joinImmediately: false);
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();
        await edge.Requested.WaitAsync(Wait);

        h.Phone.Stop();
        await run.WaitAsync(Wait);
        Assert.False(edge.Joined.IsCompleted);
        Assert.Equal(0, h.Registry.Count);
    }

    [Fact]
    public async Task EdgeEndingHangsUpThePhone()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);

        session.End();
        Assert.Equal("edge call ended", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
        Assert.True(h.Phone.Stopped.IsCompleted);
        Assert.True(session.Disposed.IsCompleted);
        Assert.Equal(0, h.Registry.Count);
        Assert.Equal(0, h.Counters.ActiveCalls);
    }

    [Fact]
    public async Task EdgeFailureHangsUpThePhone()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);

        session.Fail(new InvalidOperationException("sfu gone"));
        Assert.Equal("edge session failed", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task HangupRequestedByTheEdgeHangsUpThePhoneAndLeaves()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);

        session.Handler.OnHangupRequested("agent said goodbye");
        Assert.Equal("hangup requested by edge", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
        Assert.True(session.Left.IsCompleted);
    }

    [Fact]
    public async Task PrepareFailureHangsUpWithoutJoining()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge, prepare: (_, _) => Task.FromException<object?>(new InvalidOperationException("agent server down")));
        var run = h.Attach();
        await h.StartAsync();

        Assert.Equal("prepare failed", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
        Assert.Equal(0, edge.Joins);
        Assert.Equal(0, h.Registry.Count);
    }

    [Fact]
    public async Task JoinFailureHangsUp()
    {
        var edge = new FakeEdge { FailJoinWith = new InvalidOperationException("no sfu") };
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();

        Assert.Equal("edge join failed", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
    }

    [Fact]
    public async Task RegistryReleaseEndsTheCall()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);

        h.Registry.Release(h.Call.CallId);
        Assert.Equal("call released", await h.Phone.HungUp.WaitAsync(Wait));
        await run.WaitAsync(Wait);
        Assert.True(session.Left.IsCompleted);
    }

    [Fact]
    public async Task CancellationEndsTheCallWithoutThrowing()
    {
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        await h.StartAsync();
        var session = await edge.Joined.WaitAsync(Wait);

        await h.Cancellation.CancelAsync();
        await run.WaitAsync(Wait);
        Assert.True(h.Phone.HungUp.IsCompleted);
        Assert.True(session.Left.IsCompleted);
        Assert.Equal(0, h.Registry.Count);
    }

    private static async Task<short[]> Read(Channel<short[]> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(Wait);

    // Live is set just after the join returns; one echoed frame proves the bridge got there.
    private static async Task EnsureLive(IPhoneStreamHandler phone, FakeEdgeSession session)
    {
        phone.CallerAudio.OnFrame(BridgeHarness.Frame(1));
        await Read(session.Received);
    }

    private sealed class PreparedProbe : IAsyncDisposable
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Disposed => _disposed.Task;

        public ValueTask DisposeAsync()
        {
            _disposed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
