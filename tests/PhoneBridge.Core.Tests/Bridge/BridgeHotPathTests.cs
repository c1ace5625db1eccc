using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Recording;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Tests.Recording;

namespace PhoneBridge.Core.Tests.Bridge;

[Collection(HotPathCollection.Name)]
public class BridgeHotPathTests
{
    [Fact]
    public async Task LiveAudioInBothDirectionsDoesNotAllocate()
    {
        var edge = new CountingEdge();
        var phone = new CountingPhone();
        var directory = new CallDirectory(new NullCallEventPublisher());
        using var h = new BridgeHarness(edge, directory: directory);
        var run = h.Bridge.AttachPhoneToCallAsync(h.Call, phone, "phone-1", CancellationToken.None);
        var handler = await phone.Handler.Task.WaitAsync(TestTimeouts.Wait);
        handler.OnStarted(new PhoneStreamStart("MZ", null, PhoneAudioFormat.MuLaw8k, new Dictionary<string, string>()));
        var session = await edge.Session.Task.WaitAsync(TestTimeouts.Wait);

        // Wait until early audio has been flushed and the bridge forwards directly.
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
            session.Handler!.RemoteAudio.OnFrame(frame);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(1000, phone.Frames);

        // Held with tones queued: hold audio and tones generated while the edge is silent, tones mixed into remote
        // audio once it is not, and caller frames kept back; still nothing allocated per frame.
        Assert.True(directory.TryGet(h.Call.CallId, out var live));
        var media = live.Media!;
        media.SetHeld(true);
        Assert.True(media.PlayDtmf("0123456789", 50));
        Assert.True(media.PlayDtmf("*#ABCD", 50));
        var edgeFrames = session.Frames;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            handler.CallerAudio.OnFrame(frame);
        }

        media.SetHeld(false);
        for (var i = 0; i < 500; i++)
        {
            handler.CallerAudio.OnFrame(frame);
            session.Handler!.RemoteAudio.OnFrame(frame);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(edgeFrames + 500, session.Frames);
        Assert.InRange(phone.Frames, 1000 + 499 + 500, 1000 + 500 + 500);
        Assert.Equal(500, media.Stats.FramesHeld);
        Assert.Equal(16, media.Stats.DtmfTonesPlayed);

        phone.Stop.TrySetResult();
        await run.WaitAsync(TestTimeouts.Wait);
    }

    [Fact]
    public async Task ListeningInDoesNotAllocateAndHearsCallerAndAgentSummedWithClipping()
    {
        var edge = new CountingEdge();
        var phone = new CountingPhone();
        var directory = new CallDirectory(new NullCallEventPublisher());
        using var h = new BridgeHarness(edge, directory: directory);
        var run = h.Bridge.AttachPhoneToCallAsync(h.Call, phone, "phone-1", CancellationToken.None);
        var handler = await phone.Handler.Task.WaitAsync(TestTimeouts.Wait);
        handler.OnStarted(new PhoneStreamStart("MZ", null, PhoneAudioFormat.MuLaw8k, new Dictionary<string, string>()));
        var session = await edge.Session.Task.WaitAsync(TestTimeouts.Wait);
        var caller = new short[160];
        for (var i = 0; session.Frames == 0 && i < 3000; i++)
        {
            handler.CallerAudio.OnFrame(caller);
            await Task.Delay(10);
        }

        Assert.True(directory.TryGet(h.Call.CallId, out var live));
        var listenIn = Assert.IsAssignableFrom<ICallListenIn>(live.Media);
        Assert.Equal(8000, listenIn.SampleRate);
        var first = new LastFrameSink();
        var second = new LastFrameSink();
        using var one = listenIn.AddListener(first);
        var two = listenIn.AddListener(second);
        Assert.NotNull(one);
        Assert.NotNull(two);

        // The caller at 1000, the agent at 32000: the mix is their sum, clipped at the top of the range.
        Array.Fill(caller, (short)1000);
        var agent = new short[160];
        Array.Fill(agent, (short)32000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            session.Handler!.RemoteAudio.OnFrame(agent);
            handler.CallerAudio.OnFrame(caller);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(1000, first.Frames);
        Assert.Equal(1000, second.Frames);
        Assert.All(first.Last, s => Assert.Equal(short.MaxValue, s));

        // A silent agent: the caller alone. A listener that leaves gets nothing more; the call's end ends the rest.
        two!.Dispose();
        Assert.True(two.Ended.IsCompleted);
        handler.CallerAudio.OnFrame(caller);
        Assert.All(first.Last, s => Assert.Equal(1000, s));
        Assert.Equal(1000, second.Frames);

        phone.Stop.TrySetResult();
        await run.WaitAsync(TestTimeouts.Wait);
        await one!.Ended.WaitAsync(TestTimeouts.Wait);
        Assert.Null(listenIn.AddListener(new LastFrameSink()));
    }

    [Fact]
    public async Task A_call_takes_at_most_its_listeners()
    {
        var edge = new CountingEdge();
        var phone = new CountingPhone();
        var directory = new CallDirectory(new NullCallEventPublisher());
        using var h = new BridgeHarness(edge, directory: directory);
        var run = h.Bridge.AttachPhoneToCallAsync(h.Call, phone, "phone-1", CancellationToken.None);
        var handler = await phone.Handler.Task.WaitAsync(TestTimeouts.Wait);
        Assert.True(directory.TryGet(h.Call.CallId, out var live));
        Assert.Null(live.Media);
        handler.OnStarted(new PhoneStreamStart("MZ", null, PhoneAudioFormat.MuLaw8k, new Dictionary<string, string>()));
        var listenIn = Assert.IsAssignableFrom<ICallListenIn>(live.Media);

        var listeners = Enumerable.Range(0, 10).Select(_ => listenIn.AddListener(new LastFrameSink())).ToList();

        Assert.Equal(4, listeners.Count(l => l is not null));
        listeners[0]!.Dispose();
        Assert.NotNull(listenIn.AddListener(new LastFrameSink()));
        phone.Stop.TrySetResult();
        await run.WaitAsync(TestTimeouts.Wait);
    }

    private sealed class LastFrameSink : PhoneBridge.Audio.IAudioFrameSink
    {
        public short[] Last { get; } = new short[160];

        public int Frames { get; private set; }

        public void OnFrame(ReadOnlySpan<short> frame)
        {
            frame.CopyTo(Last);
            Frames++;
        }
    }

    [Fact]
    public async Task RecordingBothDirectionsDoesNotAllocateOnTheMediaThreads()
    {
        var folder = Directory.CreateTempSubdirectory("pb-hotpath-rec-").FullName;
        var events = new CollectingEventPublisher();
        using var recorder = new CallRecorder(
            new FixedOptionsMonitor<RecordingOptions>(new RecordingOptions { Enabled = true, Directory = folder }),
            events, TimeProvider.System, NullLogger<CallRecorder>.Instance);
        await recorder.StartAsync(CancellationToken.None);
        var edge = new CountingEdge();
        var phone = new CountingPhone();
        var directory = new CallDirectory(new RecordingCallEvents(events, recorder));
        using var h = new BridgeHarness(edge, directory: directory, recorder: recorder);
        var run = h.Bridge.AttachPhoneToCallAsync(h.Call, phone, "phone-1", CancellationToken.None);
        var handler = await phone.Handler.Task.WaitAsync(TestTimeouts.Wait);
        handler.OnStarted(new PhoneStreamStart("MZ", null, PhoneAudioFormat.MuLaw8k, new Dictionary<string, string>()));
        var session = await edge.Session.Task.WaitAsync(TestTimeouts.Wait);
        await events.WaitForRecordingAsync(h.Call.CallId, "started");
        Assert.True(recorder.IsRecording(h.Call.CallId));

        var frame = new short[160];
        for (var i = 0; session.Frames == 0 && i < 3000; i++)
        {
            handler.CallerAudio.OnFrame(frame);
            await Task.Delay(10);
        }

        // Live, held with tones queued, and on past the queues' room (frames dropped and counted): nothing allocated
        // per frame, whether a frame is copied into a slot or dropped.
        Assert.True(directory.TryGet(h.Call.CallId, out var live));
        var media = live.Media!;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            handler.CallerAudio.OnFrame(frame);
            session.Handler!.RemoteAudio.OnFrame(frame);
        }

        media.SetHeld(true);
        for (var i = 0; i < 100; i++)
        {
            handler.CallerAudio.OnFrame(frame);
        }

        media.SetHeld(false);
        for (var i = 0; i < 1000; i++)
        {
            handler.CallerAudio.OnFrame(frame);
            session.Handler!.RemoteAudio.OnFrame(frame);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.True(recorder.IsRecording(h.Call.CallId));

        phone.Stop.TrySetResult();
        await run.WaitAsync(TestTimeouts.Wait);
        await events.WaitForRecordingAsync(h.Call.CallId, "stopped");
        await recorder.StopAsync(CancellationToken.None);
        Assert.True(new FileInfo(Path.Combine(folder, h.Call.CallId + ".wav")).Length > 44 + (250 * 640));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task PrepareFailureIsLoggedOnceAndNoSecretsAreLogged()
    {
        var bridgeLog = new ListLogger<CallBridge>();
        var registryLog = new ListLogger<InMemoryCallRegistry>();
        var registry = new InMemoryCallRegistry(Options.Create(new CallRegistryOptions()), TimeProvider.System, registryLog);
        var registration = registry.Register(new CallRegistrationRequest(
            "twilio", "CA1", "+15551234567", "+15557654321", (_, _) => Task.FromException<object?>(new InvalidOperationException("agent down"))));
        registry.TryClaim(registration.CallId, "wrong", out _);
        registry.TryClaim(registration.CallId, registration.Token, out var call);
        using var counters = new BridgeCounters();
        var bridge = new CallBridge(new FakeEdge(), registry, counters, Options.Create(new BridgeOptions()), TimeProvider.System, bridgeLog);
        var phone = new FakePhone();

        var run = bridge.AttachPhoneToCallAsync(call!, phone, "phone-4567", CancellationToken.None);
        await phone.StartAsync(PhoneAudioFormat.MuLaw8k);
        await phone.HungUp.WaitAsync(TestTimeouts.Wait);
        await run.WaitAsync(TestTimeouts.Wait);

        var errors = bridgeLog.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).ToList();
        var error = Assert.Single(errors);
        Assert.Equal(1204, error.EventId.Id);
        Assert.IsType<InvalidOperationException>(error.Exception);

        var everything = bridgeLog.Entries.Select(e => e.Message).Concat(registryLog.Entries.Select(e => e.Message)).ToList();
        Assert.NotEmpty(everything);
        Assert.DoesNotContain(everything, m => m.Contains(registration.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(everything, m => m.Contains("5551234567", StringComparison.Ordinal));
        Assert.DoesNotContain(everything, m => m.Contains("5557654321", StringComparison.Ordinal));
        registry.Dispose();
    }

    private sealed class CountingEdge : IEdge
    {
        public TaskCompletionSource<CountingSession> Session { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "counting";

        public Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
        {
            var session = new CountingSession { Handler = handler };
            Session.TrySetResult(session);
            return Task.FromResult<IEdgeSession>(session);
        }
    }

    private sealed class CountingSession : IEdgeSession
    {
        private int _frames;

        public IEdgeSessionHandler? Handler { get; init; }

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
