using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Rtp;

namespace PhoneBridge.Rtc;

/// <summary>
/// Minimal RTCP for audio (RFC 3550 §6.4), built from the RTP layer's writers: one compound of an SR per sending
/// track (or one RR when nothing is sent) with report blocks for every remote stream, SDES CNAME, and BYE on close;
/// on receive, each sender report is remembered for the LSR/DLSR of our next report.
/// </summary>
public sealed partial class PeerConnection
{
    private const int RtcpMaxSize = 1200;
    private const int MaxRtcpBlocks = 31;

    /// <summary>Writes our compound RTCP packet; 0 when there is nothing to report. Called under <c>_gate</c>.</summary>
    private int WriteRtcpLocked(Span<byte> buffer, bool bye)
    {
        if (_transceivers.Count == 0)
        {
            return 0;
        }

        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[MaxRtcpBlocks];
        var blockCount = 0;
        foreach (var t in _transceivers)
        {
            if (blockCount < MaxRtcpBlocks && t.RemoteTrack is { Ssrc: not 0 } remote && remote.Jitter.BaseSequence >= 0)
            {
                blocks[blockCount++] = ReportBlock(remote);
            }
        }

        Span<uint> sources = stackalloc uint[MaxRtcpBlocks];
        var sourceCount = 0;
        var offset = 0;
        var ntp = RtcpNtpTime.FromDateTime(_time.GetUtcNow());
        foreach (var t in _transceivers)
        {
            if (t.Packetizer is not { } p || sourceCount == MaxRtcpBlocks)
            {
                continue;
            }

            // The reception reports ride on the first SR only.
            var sender = new RtcpSenderInfo(t.Ssrc, ntp, p.LastTimestamp, (uint)p.PacketsSent, (uint)p.OctetsSent);
            offset += RtcpReport.WriteSenderReport(buffer[offset..], sender, sourceCount == 0 ? blocks[..blockCount] : []);
            sources[sourceCount++] = t.Ssrc;
        }

        if (sourceCount == 0)
        {
            sources[sourceCount++] = _transceivers[0].Ssrc;
            offset += RtcpReport.WriteReceiverReport(buffer, sources[0], blocks[..blockCount]);
        }

        foreach (var ssrc in sources[..sourceCount])
        {
            offset += RtcpSdes.WriteCname(buffer[offset..], ssrc, _cname);
        }

        if (bye)
        {
            offset += RtcpBye.Write(buffer[offset..], sources[..sourceCount]);
        }

        return offset;
    }

    /// <summary>RFC 3550 §6.4.1 and A.3: loss since the last report, cumulative loss, jitter, LSR and DLSR.</summary>
    private RtcpReportBlock ReportBlock(RemoteAudioTrack track)
    {
        var jitter = track.Jitter;
        var stats = jitter.Stats;
        var expected = jitter.HighestSequence - jitter.BaseSequence + 1;
        var received = stats.Received - stats.Duplicates;
        var expectedInterval = expected - track.PreviousExpected;
        var lostInterval = expectedInterval - (received - track.PreviousReceived);
        track.PreviousExpected = expected;
        track.PreviousReceived = received;
        var fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        var delay = track.LastSenderReportNtp == 0 ? 0u : RtcpNtpTime.ToDelay(_time.GetElapsedTime(track.LastSenderReportArrival));
        return new RtcpReportBlock(
            track.Ssrc,
            (byte)fraction,
            (int)Math.Clamp(expected - received, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost),
            (uint)jitter.HighestSequence,
            jitter.JitterRtpTicks,
            track.LastSenderReportNtp,
            delay);
    }

    /// <summary>Walks a decrypted compound packet and remembers sender reports; malformed input is ignored.</summary>
    private void OnRtcp(ReadOnlySpan<byte> compound, long arrival)
    {
        foreach (var packet in new RtcpCompoundReader(compound))
        {
            if (!RtcpReport.TryReadSenderInfo(packet, out var sender))
            {
                continue;
            }

            foreach (var t in _transceivers)
            {
                if (t.RemoteTrack is { } remote && remote.Ssrc == sender.Ssrc)
                {
                    remote.LastSenderReportNtp = RtcpNtpTime.Middle(sender.NtpTimestamp);
                    remote.LastSenderReportArrival = arrival;
                }
            }
        }
    }
}
