using PhoneBridge.Rtc.Rtcp;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Decrypted compound RTCP through <see cref="RtcpCompoundReader"/> and the report, SDES and BYE readers, with
/// indexes kept within the counts the readers give (as <c>PeerConnection.OnRtcp</c> does).
/// </summary>
internal static class RtcpTarget
{
    public static FuzzTarget Create() =>
        new("rtcp", "RtcpCompoundReader + SR/RR/SDES/BYE readers", RtpSeeds.Rtcp(), Run, 2048, Text: false);

    private static void Run(ReadOnlySpan<byte> compound)
    {
        foreach (var packet in new RtcpCompoundReader(compound))
        {
            RtcpReport.TryReadSenderInfo(packet, out _);
            for (int i = 0; i < RtcpReport.ReportBlockCount(packet); i++)
            {
                RtcpReport.ReadReportBlock(packet, i);
            }

            RtcpSdes.TryGetCname(packet, packet.Ssrc, out _);
            for (int i = 0; i < RtcpBye.SourceCount(packet); i++)
            {
                RtcpBye.GetSource(packet, i);
            }

            RtcpBye.GetReason(packet);
        }
    }
}
