using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Core.Tests.Bridge;

namespace PhoneBridge.Core.Tests.Telemetry;

/// <summary>
/// The bridge's hot path with an OpenTelemetry meter and tracer provider and a raw <see cref="MeterListener"/> all
/// listening: still no allocation per frame, and the call's spans form one trace without a phone number.
/// </summary>
[Collection(HotPathCollection.Name)]
public class TelemetryHotPathTests
{
    [Fact]
    public async Task LiveAudioDoesNotAllocateWithMetricsAndTracingListening()
    {
        var spans = new List<Activity>();
        var exported = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(CallTracing.SourceName).AddInMemoryExporter(spans).Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(BridgeCounters.MeterName).AddInMemoryExporter(exported).Build();
        long measurements = 0;
        Meter? harnessMeter = null;
        var framesByDirection = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BridgeCounters.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            Interlocked.Increment(ref measurements);
            if (instrument.Name == "phonebridge.frames" && ReferenceEquals(instrument.Meter, harnessMeter))
            {
                foreach (var tag in tags)
                {
                    framesByDirection[(string)tag.Value!] = value;
                }
            }
        });
        listener.Start();

        var edge = new LoopEdge();
        var phone = new CountingPhone();
        var directory = new CallDirectory(new NullCallEventPublisher());
        using var h = new BridgeHarness(edge, directory: directory);
        harnessMeter = MeterOf(h.Counters);
        var run = h.Bridge.AttachPhoneToCallAsync(h.Call, phone, "phone-1", CancellationToken.None);
        var handler = await phone.Handler.Task.WaitAsync(TestTimeouts.Wait);
        handler.OnStarted(new PhoneStreamStart("MZ", null, PhoneAudioFormat.MuLaw8k, new Dictionary<string, string>()));
        var session = await edge.Session.Task.WaitAsync(TestTimeouts.Wait);

        // Live in both directions once (the first audio from the edge ends its span) before anything is measured.
        var frame = new short[160];
        for (var i = 0; session.Frames == 0 && i < 3000; i++)
        {
            handler.CallerAudio.OnFrame(frame);
            await Task.Delay(10);
        }

        Assert.NotEqual(0, session.Frames);
        session.Handler!.RemoteAudio.OnFrame(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            handler.CallerAudio.OnFrame(frame);
            session.Handler!.RemoteAudio.OnFrame(frame);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());

        // A collection meanwhile (a scrape's, on its own thread) sees this call's frames by direction; the provider's
        // export has them too (summed with any other bridge's counters alive in this process).
        listener.RecordObservableInstruments();
        Assert.True(metering.ForceFlush());
        Assert.True(Interlocked.Read(ref measurements) > 0);
        Assert.True(framesByDirection.GetValueOrDefault("from_phone") >= 1000, $"from_phone {framesByDirection.GetValueOrDefault("from_phone")}");
        Assert.True(framesByDirection.GetValueOrDefault("to_phone") >= 1000, $"to_phone {framesByDirection.GetValueOrDefault("to_phone")}");
        Assert.Contains(exported, m => m.Name == "phonebridge.frames");

        phone.Stop.TrySetResult();
        await run.WaitAsync(TestTimeouts.Wait);
        Assert.True(tracing.ForceFlush());

        // One trace: registration, edge join, first audio, end, in that order, each with the call id and no number.
        var callSpans = spans.Where(s => Equals(s.GetTagItem(TagNames.CallId), h.Call.CallId)).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal([CallTracing.Register, CallTracing.EdgeJoin, CallTracing.FirstAudio, CallTracing.End], callSpans.Select(s => s.OperationName));
        Assert.Single(callSpans.Select(s => s.TraceId).Distinct());
        Assert.All(callSpans.Skip(1), s => Assert.Equal(callSpans[0].SpanId, s.ParentSpanId));
        Assert.All(callSpans, s => Assert.Equal("twilio", s.GetTagItem(TagNames.Provider)));
        var firstAudio = callSpans.Single(s => s.OperationName == CallTracing.FirstAudio);
        Assert.True(firstAudio.Duration > TimeSpan.Zero && firstAudio.StartTimeUtc + firstAudio.Duration <= callSpans[^1].StartTimeUtc + callSpans[^1].Duration);
        NoNumbers.AssertNone(callSpans, "5551234567", "5557654321");
    }

    private static Meter MeterOf(BridgeCounters counters) =>
        (Meter)typeof(BridgeCounters).GetField("_meter", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(counters)!;

    /// <summary>An edge whose session counts the frames published to it and does nothing else.</summary>
    private sealed class LoopEdge : IEdge
    {
        public TaskCompletionSource<LoopSession> Session { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "loop";

        public Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
        {
            var session = new LoopSession { Handler = handler };
            Session.TrySetResult(session);
            return Task.FromResult<IEdgeSession>(session);
        }
    }

    private sealed class LoopSession : IEdgeSession
    {
        private int _frames;

        public IEdgeSessionHandler? Handler { get; init; }

        public int Frames => Volatile.Read(ref _frames);

        public Task Completion { get; } = new TaskCompletionSource().Task;

        public EdgeReceiveStats? ReceiveStats => new EdgeReceiveStats(3.5, 2, 1, 40);

        public void OnFrame(ReadOnlySpan<short> frame) => Interlocked.Increment(ref _frames);

        public void SendDtmf(char digit)
        {
        }

        public ValueTask LeaveAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
