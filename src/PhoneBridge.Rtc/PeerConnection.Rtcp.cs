using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Rtcp;

namespace PhoneBridge.Rtc;

/// <summary>
/// The RTCP we send for audio (RFC 3550 §6.4), built with the writers in <see cref="Rtcp"/>: one compound of an SR per
/// sending track (or one RR when nothing is sent) with report blocks for every remote stream, SDES CNAME, and BYE on
/// close. Incoming RTCP is read by <see cref="RtpAudioReceiver"/>, which remembers each sender report on its remote
/// track for the LSR/DLSR of our next report.
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
                blocks[blockCount++] = remote.CreateReportBlock(_time);
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
}
