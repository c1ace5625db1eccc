using System.Diagnostics.Metrics;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Tests.Bridge;

public class BridgeCountersTests
{
    [Fact]
    public void CountsAndPublishesInstruments()
    {
        using var counters = new BridgeCounters();
        var seen = new Dictionary<string, long>();
        var tagged = new List<(string Name, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BridgeCounters.MeterName && ReferenceEquals(instrument.Meter, GetMeter(counters)))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tagMap = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                tagMap[tag.Key] = tag.Value;
            }

            tagged.Add((instrument.Name, value, tagMap));
        });
        listener.Start();

        counters.CallStarted();
        counters.CallStarted("twilio", "local", CallDirection.Inbound);
        counters.CallEnded();
        counters.FrameFromPhone();
        counters.FrameFromPhone();
        counters.FrameToPhone();
        counters.AddFramesDropped(3);
        counters.AddFramesDropped(-1);

        Assert.Equal(1, counters.ActiveCalls);
        Assert.Equal(2, counters.CallsTotal);
        Assert.Equal(2, counters.FramesFromPhone);
        Assert.Equal(1, counters.FramesToPhone);
        Assert.Equal(3, counters.FramesDropped);

        // Calls started and ended are counted as they happen, frames and active calls when collected.
        Assert.Equal(2, tagged.Where(m => m.Name == "phonebridge.calls.started").Sum(m => m.Value));
        Assert.Contains(tagged, m => m.Name == "phonebridge.calls.started" && Equals(m.Tags.GetValueOrDefault("provider"), "twilio") && Equals(m.Tags.GetValueOrDefault("direction"), "inbound"));
        Assert.Equal(1, tagged.Where(m => m.Name == "phonebridge.calls.ended").Sum(m => m.Value));

        tagged.Clear();
        listener.RecordObservableInstruments();
        foreach (var (name, value, tags) in tagged)
        {
            var key = tags.TryGetValue("direction", out var direction) && name == "phonebridge.frames" ? name + "." + direction : name;
            seen[key] = seen.GetValueOrDefault(key) + value;
        }

        Assert.Equal(1, seen["phonebridge.calls.active"]);
        Assert.Contains(tagged, m => m.Name == "phonebridge.calls.active" && m.Value == 1 && Equals(m.Tags.GetValueOrDefault("provider"), "twilio") && Equals(m.Tags.GetValueOrDefault("edge"), "local"));
        Assert.Equal(2, seen["phonebridge.frames.from_phone"]);
        Assert.Equal(1, seen["phonebridge.frames.to_phone"]);
        Assert.Equal(3, seen["phonebridge.frames.dropped"]);
    }

    [Fact]
    public void AnEndedCallRecordsItsReasonAndDuration()
    {
        using var counters = new BridgeCounters();
        var ended = new List<KeyValuePair<string, object?>[]>();
        var durations = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, GetMeter(counters)))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            if (instrument.Name == "phonebridge.calls.ended")
            {
                ended.Add(tags.ToArray());
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "phonebridge.call.duration")
            {
                durations.Add(value);
            }
        });
        listener.Start();

        counters.CallStarted("telnyx", "stream", CallDirection.Outbound);
        counters.CallEnded("telnyx", "stream", CallDirection.Outbound, "edge call ended", TimeSpan.FromSeconds(42));

        var tags = Assert.Single(ended);
        Assert.Contains(new KeyValuePair<string, object?>("reason", "edge call ended"), tags);
        Assert.Contains(new KeyValuePair<string, object?>("direction", "outbound"), tags);
        Assert.Equal(42, Assert.Single(durations));
        Assert.Equal(0, counters.ActiveCalls);
    }

    private static Meter GetMeter(BridgeCounters counters) =>
        (Meter)typeof(BridgeCounters).GetField("_meter", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(counters)!;
}
