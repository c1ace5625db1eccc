using System.Diagnostics;
using System.Diagnostics.Metrics;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// The per-call quality instruments, read from the live calls' <see cref="CallQuality"/> and never recorded per frame:
/// <c>phonebridge.rtp.lost</c> and <c>phonebridge.rtp.concealed</c> are observable counters summed over the calls at
/// collection time (a call's last values stay counted once it has gone); <c>phonebridge.rtp.jitter</c> and
/// <c>phonebridge.latency</c> are histograms that <see cref="Sample"/> feeds with each live call's current value.
/// </summary>
public sealed class CallQualityMetrics
{
    private static readonly KeyValuePair<string, object?> ToPhone = new(TagNames.FrameDirection, "to_phone");
    private static readonly KeyValuePair<string, object?> FromPhone = new(TagNames.FrameDirection, "from_phone");

    private readonly CallDirectory _calls;
    private readonly Histogram<double> _jitter;
    private readonly Histogram<double> _latency;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Lost, long Concealed)> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _live = new(StringComparer.Ordinal);
    private long _lostEnded;
    private long _concealedEnded;
    private long _lost;
    private long _concealed;

    public CallQualityMetrics(IMeterFactory meterFactory, CallDirectory calls)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _calls = calls;
        var meter = meterFactory.Create(BridgeCounters.MeterName);
        meter.CreateObservableCounter("phonebridge.rtp.lost", () => Totals().Lost, "{packet}", "RTP packets from the edge that never arrived");
        meter.CreateObservableCounter("phonebridge.rtp.concealed", () => Totals().Concealed, "{frame}", "Frames from the edge the decoder concealed (lost or late)");
        _jitter = meter.CreateHistogram<double>("phonebridge.rtp.jitter", "ms", "Interarrival jitter of the edge's RTP, sampled per live call",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 50, 75, 100, 200] });
        _latency = meter.CreateHistogram<double>("phonebridge.latency", "ms", "One-way audio latency inside the bridge, sampled per live call, by direction where measured",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 20, 30, 40, 60, 80, 100, 150, 200, 300, 500] });
    }

    /// <summary>Records each live call's current jitter and latencies (values nobody measured are skipped).</summary>
    public void Sample()
    {
        foreach (var call in _calls.Calls)
        {
            var quality = call.Quality;
            quality.Refresh();
            if (quality.JitterMs is { } jitter)
            {
                _jitter.Record(jitter);
            }

            if (quality.LatencyToPhoneMs is { } toPhone)
            {
                _latency.Record(toPhone, ToPhone);
            }

            if (quality.LatencyFromPhoneMs is { } fromPhone)
            {
                _latency.Record(fromPhone, FromPhone);
            }
        }
    }

    /// <summary>
    /// Loss and concealment over every call seen: each live call's latest values (never taken back, so an edge that
    /// starts its counts afresh does not make the counter fall) plus the last ones of calls that have ended.
    /// </summary>
    private (long Lost, long Concealed) Totals()
    {
        lock (_gate)
        {
            _live.Clear();
            foreach (var call in _calls.Calls)
            {
                var quality = call.Quality;
                quality.Refresh();
                _live.Add(call.CallId);
                var last = _seen.GetValueOrDefault(call.CallId);
                _seen[call.CallId] = (Math.Max(last.Lost, quality.PacketsLost), Math.Max(last.Concealed, quality.FramesConcealed));
            }

            long lost = 0;
            long concealed = 0;
            foreach (var (callId, values) in _seen)
            {
                if (!_live.Contains(callId))
                {
                    _lostEnded += values.Lost;
                    _concealedEnded += values.Concealed;
                    _seen.Remove(callId);
                    continue;
                }

                lost += values.Lost;
                concealed += values.Concealed;
            }

            // Both instruments ask in one collection; monotonic whatever the order calls end in.
            _lost = Math.Max(_lost, _lostEnded + lost);
            _concealed = Math.Max(_concealed, _concealedEnded + concealed);
            return (_lost, _concealed);
        }
    }
}
