using PhoneBridge.Core.Edge;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// How a call sounds right now, for the dashboard and the metrics: written by the media path as it measures (plain
/// stores, no lock, no allocation), and with the edge's receive statistics (jitter, loss, concealment, buffer delay)
/// copied in by <see cref="Refresh"/> when someone reads them; read by whoever shows them. A value nobody measures
/// stays null.
/// </summary>
public sealed class CallQuality
{
    private double _jitterMs = double.NaN;
    private double _latencyFromPhoneMs = double.NaN;
    private double _latencyToPhoneMs = double.NaN;
    private long _packetsLost;
    private long _framesConcealed;
    private float _levelFromPhone;
    private float _levelToPhone;
    private volatile IEdgeSession? _edge;

    /// <summary>Interarrival jitter of the audio received from the edge (RFC 3550 §6.4.1), in ms.</summary>
    public double? JitterMs => Read(ref _jitterMs);

    /// <summary>
    /// Caller's frame in to the edge's send, in ms (one-way, inside this process). Not measured today: once the edge
    /// is live that path has no queue (the frame is encoded and sent on its arriving thread), so it stays null.
    /// </summary>
    public double? LatencyFromPhoneMs => Read(ref _latencyFromPhoneMs);

    /// <summary>
    /// The edge's audio in to the phone's send, in ms (one-way, inside this process): the edge's receive buffer delay,
    /// where the audio waits; the rest of the path runs on the arriving frame's thread without a queue.
    /// </summary>
    public double? LatencyToPhoneMs => Read(ref _latencyToPhoneMs);

    /// <summary>RTP packets from the edge that never arrived.</summary>
    public long PacketsLost => Volatile.Read(ref _packetsLost);

    /// <summary>20 ms frames from the edge the decoder had to conceal (lost or late).</summary>
    public long FramesConcealed => Volatile.Read(ref _framesConcealed);

    /// <summary>Level of the caller's latest frame, 0 (silence) to 1 (full scale), RMS.</summary>
    public float LevelFromPhone => Volatile.Read(ref _levelFromPhone);

    /// <summary>Level of the latest frame the caller heard, 0 to 1, RMS.</summary>
    public float LevelToPhone => Volatile.Read(ref _levelToPhone);

    /// <summary>
    /// The edge session whose receive statistics <see cref="Refresh"/> copies in (jitter, loss, concealment, and its
    /// buffer delay as the latency to the phone); null before the edge is live and after the call.
    /// </summary>
    public void AttachEdge(IEdgeSession? edge) => _edge = edge;

    /// <summary>
    /// Copies the attached edge's current receive statistics in. Called by whoever reads the values (metrics
    /// collection, the dashboard), never on the media path; without an edge that measures, nothing changes.
    /// </summary>
    public void Refresh()
    {
        if (_edge?.ReceiveStats is { } stats)
        {
            SetJitter(stats.JitterMs);
            SetLoss(stats.PacketsLost, stats.FramesConcealed);
            SetLatencyToPhone(stats.BufferDelayMs);
        }
    }

    public void SetJitter(double ms) => Volatile.Write(ref _jitterMs, ms);

    public void SetLatencyFromPhone(double ms) => Volatile.Write(ref _latencyFromPhoneMs, ms);

    public void SetLatencyToPhone(double ms) => Volatile.Write(ref _latencyToPhoneMs, ms);

    public void SetLoss(long packetsLost, long framesConcealed)
    {
        Volatile.Write(ref _packetsLost, packetsLost);
        Volatile.Write(ref _framesConcealed, framesConcealed);
    }

    public void SetLevelFromPhone(float rms) => Volatile.Write(ref _levelFromPhone, rms);

    public void SetLevelToPhone(float rms) => Volatile.Write(ref _levelToPhone, rms);

    private static double? Read(ref double field)
    {
        var value = Volatile.Read(ref field);
        return double.IsNaN(value) ? null : value;
    }
}
