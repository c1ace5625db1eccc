namespace PhoneBridge.Rtc.Rtp;

/// <summary>
/// Sender-side counters for sender reports (RFC 3550 §6.4.1) and round-trip time from the peer's report blocks
/// (§6.4.1, LSR/DLSR). Owned by the sending loop; not thread-safe.
/// </summary>
public sealed class RtpSendStatistics
{
    private readonly int _clockRate;
    private bool _haveAnchor;
    private uint _anchorRtpTimestamp;
    private TimeSpan _anchorTime;

    public RtpSendStatistics(uint ssrc, int clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clockRate, 1);
        Ssrc = ssrc;
        _clockRate = clockRate;
    }

    public uint Ssrc { get; }

    public uint PacketCount { get; private set; }

    /// <summary>Payload octets sent (headers and padding excluded), wrapping like the SR field.</summary>
    public uint OctetCount { get; private set; }

    /// <summary>The latest round-trip time computed from a report block, if any.</summary>
    public TimeSpan? RoundTripTime { get; private set; }

    /// <summary>Records a sent packet; <paramref name="sent"/> is on the same monotonic clock as later calls.</summary>
    public void OnPacketSent(uint rtpTimestamp, int payloadLength, TimeSpan sent)
    {
        PacketCount = unchecked(PacketCount + 1);
        OctetCount = unchecked(OctetCount + (uint)payloadLength);
        _anchorRtpTimestamp = rtpTimestamp;
        _anchorTime = sent;
        _haveAnchor = true;
    }

    /// <summary>
    /// Sender info for an SR at <paramref name="now"/> (monotonic) and <paramref name="wallClock"/>; the RTP
    /// timestamp is the last sent one advanced by the time since, so receivers can sync it with the NTP time.
    /// </summary>
    public RtcpSenderInfo CreateSenderInfo(TimeSpan now, DateTimeOffset wallClock)
    {
        uint rtp = _haveAnchor
            ? unchecked(_anchorRtpTimestamp + (uint)((now - _anchorTime).Ticks * _clockRate / TimeSpan.TicksPerSecond))
            : 0;
        return new RtcpSenderInfo(Ssrc, RtcpNtpTime.FromDateTime(wallClock), rtp, PacketCount, OctetCount);
    }

    /// <summary>
    /// Updates <see cref="RoundTripTime"/> from a report block about this source received at <paramref name="wallClock"/>:
    /// RTT = arrival - LSR - DLSR (all in 1/65536 s). Blocks without an LSR are ignored.
    /// </summary>
    public TimeSpan? OnReportBlock(in RtcpReportBlock block, DateTimeOffset wallClock)
    {
        if (block.Ssrc != Ssrc || block.LastSenderReport == 0)
        {
            return RoundTripTime;
        }

        uint arrival = RtcpNtpTime.Middle(RtcpNtpTime.FromDateTime(wallClock));
        uint rtt = unchecked(arrival - block.LastSenderReport - block.DelaySinceLastSenderReport);

        // A negative result (clock step or a bogus block) shows up as a huge unsigned value; ignore it.
        if (rtt < 65536u * 60)
        {
            RoundTripTime = TimeSpan.FromTicks(rtt * TimeSpan.TicksPerSecond / 65536);
        }

        return RoundTripTime;
    }
}
