using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Telemetry;

namespace PhoneBridge.Core.Tests.Telemetry;

public class CallQualityMetricsTests
{
    [Fact]
    public void LossAndConcealmentAreReadFromTheLiveCallsAndStayCountedOnceTheyEnd()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var directory = new CallDirectory(new NullCallEventPublisher());
        var metrics = new CallQualityMetrics(factory, directory);
        var longs = new Dictionary<string, long>();
        var doubles = new List<(string Name, double Value, string? Direction)>();
        using var listener = Listen(factory, longs, doubles);

        var a = directory.Add(Info("a"));
        var b = directory.Add(Info("b"));
        var edgeA = new StatsSession { Stats = new EdgeReceiveStats(4.5, 3, 2, 60) };
        a.Quality.AttachEdge(edgeA);
        b.Quality.AttachEdge(new StatsSession { Stats = new EdgeReceiveStats(1.5, 1, 0, 40) });

        listener.RecordObservableInstruments();
        Assert.Equal(4, longs["phonebridge.rtp.lost"]);
        Assert.Equal(2, longs["phonebridge.rtp.concealed"]);
        Assert.Equal(4.5, a.Quality.JitterMs);
        Assert.Equal(60, a.Quality.LatencyToPhoneMs);

        metrics.Sample();
        Assert.Equal([1.5, 4.5], doubles.Where(d => d.Name == "phonebridge.rtp.jitter").Select(d => d.Value).Order());
        Assert.Equal([40.0, 60.0], doubles.Where(d => d.Name == "phonebridge.latency" && d.Direction == "to_phone").Select(d => d.Value).Order());
        Assert.DoesNotContain(doubles, d => d.Direction == "from_phone");

        // The edge counts on, then a call ends: nothing counted is taken back.
        edgeA.Stats = new EdgeReceiveStats(4.5, 5, 3, 60);
        listener.RecordObservableInstruments();
        directory.End("a", "test");
        listener.RecordObservableInstruments();
        Assert.Equal(6, longs["phonebridge.rtp.lost"]);
        Assert.Equal(3, longs["phonebridge.rtp.concealed"]);
    }

    private static MeterListener Listen(IMeterFactory factory, Dictionary<string, long> longs, List<(string, double, string?)> doubles)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => longs[instrument.Name] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            string? direction = null;
            foreach (var tag in tags)
            {
                if (tag.Key == TagNames.FrameDirection)
                {
                    direction = (string?)tag.Value;
                }
            }

            doubles.Add((instrument.Name, value, direction));
        });
        listener.Start();
        return listener;
    }

    private static CallInfo Info(string callId) =>
        new(callId, "twilio", "CA" + callId, "+15551234567", "+15557654321", DateTimeOffset.UnixEpoch);

    private sealed class StatsSession : IEdgeSession
    {
        public EdgeReceiveStats Stats { get; set; }

        public EdgeReceiveStats? ReceiveStats => Stats;

        public Task Completion => Task.CompletedTask;

        public void OnFrame(ReadOnlySpan<short> frame)
        {
        }

        public void SendDtmf(char digit)
        {
        }

        public ValueTask LeaveAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
