using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Telemetry;

namespace PhoneBridge.Core.Bridge;

/// <summary>
/// Process-wide bridge counters, readable directly (health endpoints, tests) and published as instruments of the
/// <c>PhoneBridge</c> meter. Frame counts cost one interlocked increment and are read by observable instruments at
/// collection time; the per-call instruments (started, ended, durations) are recorded once per call, never per frame.
/// </summary>
public sealed class BridgeCounters : IDisposable
{
    public const string MeterName = "PhoneBridge";

    private static readonly KeyValuePair<string, object?> FromPhone = new(TagNames.FrameDirection, "from_phone");
    private static readonly KeyValuePair<string, object?> ToPhone = new(TagNames.FrameDirection, "to_phone");

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly ConcurrentDictionary<(string? Provider, string? Edge), StrongBox<long>> _activeBy = new();
    private readonly Counter<long> _started;
    private readonly Counter<long> _ended;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _joinDuration;
    private long _activeCalls;
    private long _callsTotal;
    private long _framesFromPhone;
    private long _framesToPhone;
    private long _framesDropped;

    public BridgeCounters()
        : this(new Meter(MeterName), ownsMeter: true)
    {
    }

    public BridgeCounters(IMeterFactory meterFactory)
        : this(CreateMeter(meterFactory), ownsMeter: false)
    {
    }

    private BridgeCounters(Meter meter, bool ownsMeter)
    {
        _meter = meter;
        _ownsMeter = ownsMeter;
        _meter.CreateObservableUpDownCounter("phonebridge.calls.active", ObserveActive, "{call}", "Calls bridged right now, by provider and edge");
        _started = _meter.CreateCounter<long>("phonebridge.calls.started", "{call}", "Calls bridged since start, by provider and direction");
        _ended = _meter.CreateCounter<long>("phonebridge.calls.ended", "{call}", "Bridged calls that ended, by provider, direction and end reason");
        _callDuration = _meter.CreateHistogram<double>("phonebridge.call.duration", "s", "How long bridged calls lasted, media socket to end",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600] });
        _joinDuration = _meter.CreateHistogram<double>("phonebridge.join.duration", "ms", "Registration (the webhook) to the edge call live",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [50, 100, 250, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000] });
        _meter.CreateObservableCounter("phonebridge.frames", ObserveFrames, "{frame}", "Audio frames bridged, by direction (from_phone, to_phone)");
        _meter.CreateObservableCounter("phonebridge.frames.dropped", () => FramesDropped, "{frame}", "Audio frames dropped by bounded buffers");
    }

    public long ActiveCalls => Interlocked.Read(ref _activeCalls);

    public long CallsTotal => Interlocked.Read(ref _callsTotal);

    public long FramesFromPhone => Interlocked.Read(ref _framesFromPhone);

    public long FramesToPhone => Interlocked.Read(ref _framesToPhone);

    public long FramesDropped => Interlocked.Read(ref _framesDropped);

    /// <summary>A call was bridged; counted without provider, edge or direction.</summary>
    public void CallStarted() => CallStarted(null, null, null);

    /// <summary>A call was bridged (its media socket attached) by <paramref name="provider"/> to <paramref name="edge"/>.</summary>
    public void CallStarted(string? provider, string? edge, CallDirection? direction)
    {
        Interlocked.Increment(ref _activeCalls);
        Interlocked.Increment(ref _callsTotal);
        Interlocked.Increment(ref _activeBy.GetOrAdd((provider, edge), static _ => new StrongBox<long>()).Value);
        _started.Add(1, CallTags(provider, direction));
    }

    /// <summary>A call counted by <see cref="CallStarted()"/> ended.</summary>
    public void CallEnded() => CallEnded(null, null, null, null, null);

    /// <summary>
    /// A call counted by <see cref="CallStarted(string?, string?, CallDirection?)"/> with the same provider and edge
    /// ended for <paramref name="reason"/> after <paramref name="duration"/> (when known).
    /// </summary>
    public void CallEnded(string? provider, string? edge, CallDirection? direction, string? reason, TimeSpan? duration)
    {
        Interlocked.Decrement(ref _activeCalls);
        if (_activeBy.TryGetValue((provider, edge), out var active))
        {
            Interlocked.Decrement(ref active.Value);
        }

        var tags = CallTags(provider, direction);
        if (reason is not null)
        {
            tags.Add(TagNames.EndReason, reason);
        }

        _ended.Add(1, tags);
        if (duration is { } d)
        {
            _callDuration.Record(d.TotalSeconds, CallTags(provider, direction));
        }
    }

    /// <summary>The edge call went live <paramref name="sinceRegistration"/> after the call was registered.</summary>
    public void EdgeLive(string? provider, string? edge, CallDirection? direction, TimeSpan sinceRegistration)
    {
        var tags = CallTags(provider, direction);
        if (edge is not null)
        {
            tags.Add(TagNames.Edge, edge);
        }

        _joinDuration.Record(sinceRegistration.TotalMilliseconds, tags);
    }

    public void FrameFromPhone() => Interlocked.Increment(ref _framesFromPhone);

    public void FrameToPhone() => Interlocked.Increment(ref _framesToPhone);

    public void AddFramesDropped(long frames)
    {
        if (frames > 0)
        {
            Interlocked.Add(ref _framesDropped, frames);
        }
    }

    public void Dispose()
    {
        // A factory's meter is shared by name with every other user of it; the factory disposes it.
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<long>> ObserveActive()
    {
        foreach (var ((provider, edge), count) in _activeBy)
        {
            var tags = new TagList();
            if (provider is not null)
            {
                tags.Add(TagNames.Provider, provider);
            }

            if (edge is not null)
            {
                tags.Add(TagNames.Edge, edge);
            }

            yield return new Measurement<long>(Interlocked.Read(ref count.Value), tags);
        }
    }

    private Measurement<long>[] ObserveFrames() =>
    [
        new(FramesFromPhone, FromPhone),
        new(FramesToPhone, ToPhone),
    ];

    private static TagList CallTags(string? provider, CallDirection? direction)
    {
        var tags = new TagList();
        if (provider is not null)
        {
            tags.Add(TagNames.Provider, provider);
        }

        if (direction is { } d)
        {
            tags.Add(TagNames.CallDirection, TagNames.DirectionValue(d));
        }

        return tags;
    }

    private static Meter CreateMeter(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        return meterFactory.Create(MeterName);
    }
}
