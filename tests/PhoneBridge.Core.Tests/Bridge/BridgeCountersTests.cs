using System.Diagnostics.Metrics;
using PhoneBridge.Core.Bridge;

namespace PhoneBridge.Core.Tests.Bridge;

public class BridgeCountersTests
{
    [Fact]
    public void CountsAndPublishesObservableInstruments()
    {
        using var counters = new BridgeCounters();
        counters.CallStarted();
        counters.CallStarted();
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

        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BridgeCounters.MeterName && ReferenceEquals(instrument.Meter, GetMeter(counters)))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(1, seen["phonebridge.calls.active"]);
        Assert.Equal(2, seen["phonebridge.calls.total"]);
        Assert.Equal(2, seen["phonebridge.frames.from_phone"]);
        Assert.Equal(1, seen["phonebridge.frames.to_phone"]);
        Assert.Equal(3, seen["phonebridge.frames.dropped"]);
    }

    private static Meter GetMeter(BridgeCounters counters) =>
        (Meter)typeof(BridgeCounters).GetField("_meter", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(counters)!;
}
