using FsCheck;
using FsCheck.Xunit;
using PhoneBridge.Rtc.Rtcp;

namespace PhoneBridge.Rtc.Tests.Rtcp;

/// <summary>The RTCP parsers must answer arbitrary bytes without throwing, and accept everything the writers produce.</summary>
public class RtcpFuzzTests
{
    [Property(MaxTest = 1000)]
    public bool RtcpParsers_NeverThrow(byte[] data, bool forceVersion2)
    {
        if (forceVersion2 && data.Length > 0)
        {
            data[0] = (byte)(0x80 | (data[0] & 0x3F));
        }

        var reader = new RtcpCompoundReader(data);
        foreach (RtcpPacket packet in reader)
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

        return true;
    }

    [Property(MaxTest = 300)]
    public bool RtcpWriters_RoundTrip(uint ssrc, byte fraction, int lost, uint highest, uint jitter, NonEmptyString cname)
    {
        string name = cname.Get.Length > 60 ? cname.Get[..60] : cname.Get;
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 255 || name.Any(char.IsSurrogate))
        {
            return true;
        }

        byte[] buffer = new byte[1024];
        var block = new RtcpReportBlock(ssrc, fraction, Math.Clamp(lost, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost), highest, jitter, 1, 2);
        int n = RtcpReport.WriteReceiverReport(buffer, ssrc, [block]);
        n += RtcpSdes.WriteCname(buffer.AsSpan(n), ssrc, name);
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, n));
        return reader.MoveNext() && RtcpReport.ReadReportBlock(reader.Current, 0) == block
            && reader.MoveNext() && RtcpSdes.TryGetCname(reader.Current, ssrc, out string back) && back == name
            && !reader.MoveNext() && !reader.IsMalformed;
    }
}
