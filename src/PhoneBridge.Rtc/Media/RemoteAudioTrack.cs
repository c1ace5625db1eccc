using PhoneBridge.Audio;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Rtcp;

namespace PhoneBridge.Rtc.Media;

/// <summary>
/// An incoming audio track: Opus RTP from one m-line decoded to mono PCM at <see cref="SampleRate"/> (the phone's
/// rate, so no resampling), delivered to <see cref="Sink"/> on the connection's receive loop: the
/// connection's <see cref="RtpAudioReceiver"/> pushes each packet into this track's <see cref="JitterBuffer"/>, which
/// decodes in order (rebuilding or concealing gaps) and hands each frame on at once.
/// </summary>
public sealed class RemoteAudioTrack : IDisposable
{
    private readonly OpusDecoder _decoder;
    private readonly JitterBuffer _jitter;
    private volatile IAudioFrameSink? _sink;

    internal RemoteAudioTrack(string mid, string? streamId, string? trackId, int sampleRate, byte payloadType, int audioLevelExtensionId,
        OpusImplementation opus = OpusImplementation.Auto)
    {
        Mid = mid;
        StreamId = streamId;
        TrackId = trackId;
        SampleRate = sampleRate;
        PayloadType = payloadType;
        AudioLevelExtensionId = audioLevelExtensionId;
        _decoder = new OpusDecoder(sampleRate, 1, opus);
        _jitter = new JitterBuffer(_decoder, new Outlet(this));
    }

    public string Mid { get; }

    /// <summary>The remote msid stream id (for the Stream SFU: "&lt;track lookup prefix&gt;:TRACK_TYPE_AUDIO:&lt;suffix&gt;").</summary>
    public string? StreamId { get; }

    public string? TrackId { get; }

    public int SampleRate { get; }

    public byte PayloadType { get; }

    /// <summary>The SSRC media arrived with (0 until the first packet).</summary>
    public uint Ssrc { get; internal set; }

    /// <summary>Last RFC 6464 level the sender reported, −1 when not signalled.</summary>
    public int LastAudioLevel { get; private set; } = -1;

    public JitterBufferStats Stats => _jitter.Stats;

    /// <summary>
    /// RTP packets expected (by sequence number) and never received so far (RFC 3550 A.3 cumulative loss, never
    /// negative); 0 before the first packet. Read without locking, like <see cref="Stats"/>.
    /// </summary>
    public long PacketsLost
    {
        get
        {
            var jitter = _jitter;
            var stats = jitter.Stats;
            if (stats.Received == 0)
            {
                return 0;
            }

            var expected = jitter.HighestSequence - jitter.BaseSequence + 1;
            return Math.Max(0, expected - (stats.Received - stats.Duplicates));
        }
    }

    internal int AudioLevelExtensionId { get; }

    internal JitterBuffer Jitter => _jitter;

    // RTCP receiver-report state (RFC 3550 §6.4.1, A.3).
    internal uint LastSenderReportNtp { get; private set; }

    internal long LastSenderReportArrival { get; private set; }

    internal long PreviousExpected { get; private set; }

    internal long PreviousReceived { get; private set; }

    /// <summary>
    /// Where the decoded 20 ms frames go (concealed frames included, so the stream has no holes); frames decoded
    /// while it is null are discarded. Set it when the track is announced, before media flows.
    /// </summary>
    public IAudioFrameSink? Sink
    {
        get => _sink;
        set => _sink = value;
    }

    internal void OnRtp(in RtpAudioPacket packet, uint arrivalRtpTicks)
    {
        if (packet.AudioLevel >= 0)
        {
            LastAudioLevel = packet.AudioLevel;
        }

        _jitter.Push(packet.SequenceNumber, packet.Timestamp, packet.Payload, arrivalRtpTicks);
    }

    /// <summary>Remembers a sender report of this stream (its NTP time and our <see cref="TimeProvider"/> timestamp of arrival) for LSR/DLSR.</summary>
    internal void OnSenderReport(ulong ntpTimestamp, long arrival)
    {
        LastSenderReportNtp = RtcpNtpTime.Middle(ntpTimestamp);
        LastSenderReportArrival = arrival;
    }

    /// <summary>RFC 3550 §6.4.1 and A.3: loss since the last report, cumulative loss, jitter, LSR and DLSR.</summary>
    internal RtcpReportBlock CreateReportBlock(TimeProvider time)
    {
        var jitter = _jitter;
        var stats = jitter.Stats;
        var expected = jitter.HighestSequence - jitter.BaseSequence + 1;
        var received = stats.Received - stats.Duplicates;
        var expectedInterval = expected - PreviousExpected;
        var lostInterval = expectedInterval - (received - PreviousReceived);
        PreviousExpected = expected;
        PreviousReceived = received;
        var fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        var delay = LastSenderReportNtp == 0 ? 0u : RtcpNtpTime.ToDelay(time.GetElapsedTime(LastSenderReportArrival));
        return new RtcpReportBlock(
            Ssrc,
            (byte)fraction,
            (int)Math.Clamp(expected - received, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost),
            (uint)jitter.HighestSequence,
            jitter.JitterRtpTicks,
            LastSenderReportNtp,
            delay);
    }

    public void Dispose() => _decoder.Dispose();

    // The jitter buffer is built before anyone has connected a sink; this reads the current one per frame.
    private sealed class Outlet(RemoteAudioTrack track) : IAudioFrameSink
    {
        public void OnFrame(ReadOnlySpan<short> frame) => track._sink?.OnFrame(frame);
    }
}
