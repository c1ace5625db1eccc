using System.Diagnostics.Metrics;

namespace PhoneBridge.Core.Bridge;

/// <summary>
/// Process-wide bridge counters, readable directly (health endpoints, tests) and published as
/// observable instruments of the <c>PhoneBridge</c> meter, so nothing is recorded per frame beyond
/// one interlocked increment.
/// </summary>
public sealed class BridgeCounters : IDisposable
{
    public const string MeterName = "PhoneBridge";

    private readonly Meter _meter;
    private long _activeCalls;
    private long _callsTotal;
    private long _framesFromPhone;
    private long _framesToPhone;
    private long _framesDropped;

    public BridgeCounters()
        : this(new Meter(MeterName))
    {
    }

    public BridgeCounters(IMeterFactory meterFactory)
        : this(CreateMeter(meterFactory))
    {
    }

    private BridgeCounters(Meter meter)
    {
        _meter = meter;
        _meter.CreateObservableUpDownCounter("phonebridge.calls.active", () => ActiveCalls, "{call}", "Calls bridged right now");
        _meter.CreateObservableCounter("phonebridge.calls.total", () => CallsTotal, "{call}", "Calls bridged since start");
        _meter.CreateObservableCounter("phonebridge.frames.from_phone", () => FramesFromPhone, "{frame}", "Audio frames received from phones");
        _meter.CreateObservableCounter("phonebridge.frames.to_phone", () => FramesToPhone, "{frame}", "Audio frames sent towards phones");
        _meter.CreateObservableCounter("phonebridge.frames.dropped", () => FramesDropped, "{frame}", "Audio frames dropped by bounded buffers");
    }

    public long ActiveCalls => Interlocked.Read(ref _activeCalls);

    public long CallsTotal => Interlocked.Read(ref _callsTotal);

    public long FramesFromPhone => Interlocked.Read(ref _framesFromPhone);

    public long FramesToPhone => Interlocked.Read(ref _framesToPhone);

    public long FramesDropped => Interlocked.Read(ref _framesDropped);

    public void CallStarted()
    {
        Interlocked.Increment(ref _activeCalls);
        Interlocked.Increment(ref _callsTotal);
    }

    public void CallEnded() => Interlocked.Decrement(ref _activeCalls);

    public void FrameFromPhone() => Interlocked.Increment(ref _framesFromPhone);

    public void FrameToPhone() => Interlocked.Increment(ref _framesToPhone);

    public void AddFramesDropped(long frames)
    {
        if (frames > 0)
        {
            Interlocked.Add(ref _framesDropped, frames);
        }
    }

    public void Dispose() => _meter.Dispose();

    private static Meter CreateMeter(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        return meterFactory.Create(MeterName);
    }
}
