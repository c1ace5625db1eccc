using FsCheck;
using FsCheck.Xunit;
using PhoneBridge.Rtc.Rtp;

namespace PhoneBridge.Rtc.Tests.Rtp;

/// <summary>Every parser must answer arbitrary bytes without throwing, and accept everything the writers produce.</summary>
public class RtpFuzzTests
{
    [Property(MaxTest = 1000)]
    public bool RtpParser_NeverThrows(byte[] data, bool forceVersion2)
    {
        if (forceVersion2 && data.Length > 0)
        {
            data[0] = (byte)(0x80 | (data[0] & 0x3F));
        }

        if (RtpPacket.TryParse(data, out RtpPacket p))
        {
            int total = p.HeaderLength + p.Payload.Length + p.PaddingLength;
            foreach (RtpExtensionElement e in p.Extensions)
            {
                if (e.Data.Length > p.ExtensionData.Length)
                {
                    return false;
                }
            }

            for (int i = 0; i < p.CsrcCount; i++)
            {
                _ = p.GetCsrc(i);
            }

            return total == data.Length;
        }

        return true;
    }

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
    public bool RtpWriter_RoundTrips(byte payloadType, ushort seq, uint ts, uint ssrc, bool marker, byte[] payload, byte level, NonNegativeInt padding)
    {
        byte[] buffer = new byte[12 + 8 + payload.Length + 256];
        var writer = new RtpPacketWriter(buffer, new RtpHeader { PayloadType = (byte)(payloadType & 0x7F), SequenceNumber = seq, Timestamp = ts, Ssrc = ssrc, Marker = marker });
        writer.AddAudioLevel(1, level & 0x7F, (level & 0x80) != 0);
        payload.CopyTo(writer.Payload);
        int pad = padding.Get % 256;
        int length = writer.Complete(payload.Length, pad);

        return RtpPacket.TryParse(buffer.AsSpan(0, length), out RtpPacket p)
            && p.PayloadType == (payloadType & 0x7F) && p.SequenceNumber == seq && p.Timestamp == ts && p.Ssrc == ssrc
            && p.Marker == marker && p.Payload.SequenceEqual(payload) && p.PaddingLength == pad
            && p.TryGetExtension(1, out ReadOnlySpan<byte> l) && l.Length == 1 && l[0] == AudioLevelExtension.Encode(level & 0x7F, (level & 0x80) != 0);
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
