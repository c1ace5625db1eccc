using PhoneBridge.Rtc.Rtcp;

namespace PhoneBridge.Rtc.Tests.Rtcp;

public class RtcpTests
{
    // Serialized by aiortc 1.4.
    private const string AiortcSr = "81c8000c01020304e1b2c3d4aabbccdd000177000000003200001f400a0b0c0d19fffffd0001fffe0000004d1234567800010000";
    private const string AiortcRr = "81c90007050607080a0b0c0d000003e800003039000000050000000000000000";
    private const string AiortcSdes = "81ca000605060708011034544f6b34326d536a58436b564961360000";
    private const string AiortcBye = "81cb000105060708";

    private static readonly RtcpReportBlock SrBlock = new(0x0a0b0c0d, 25, -3, 0x0001fffe, 77, 0x12345678, 65536);

    [Fact]
    public void Writers_ProduceAiortcBytes()
    {
        byte[] buffer = new byte[256];
        int n = RtcpReport.WriteSenderReport(buffer, new RtcpSenderInfo(0x01020304, 0xe1b2c3d4aabbccdd, 96000, 50, 8000), [SrBlock]);
        Assert.Equal(AiortcSr, Convert.ToHexStringLower(buffer, 0, n));

        n = RtcpReport.WriteReceiverReport(buffer, 0x05060708, [new RtcpReportBlock(0x0a0b0c0d, 0, 1000, 12345, 5, 0, 0)]);
        Assert.Equal(AiortcRr, Convert.ToHexStringLower(buffer, 0, n));

        n = RtcpSdes.WriteCname(buffer, 0x05060708, "4TOk42mSjXCkVIa6");
        Assert.Equal(AiortcSdes, Convert.ToHexStringLower(buffer, 0, n));

        n = RtcpBye.Write(buffer, [0x05060708u]);
        Assert.Equal(AiortcBye, Convert.ToHexStringLower(buffer, 0, n));
    }

    [Fact]
    public void CompoundReader_ReadsAiortcCompound()
    {
        byte[] compound = Convert.FromHexString(AiortcSr + AiortcSdes + AiortcBye);
        var types = new List<byte>();
        var reader = new RtcpCompoundReader(compound);
        foreach (RtcpPacket packet in reader)
        {
            types.Add(packet.PacketType);
            switch (packet.PacketType)
            {
                case RtcpPacketType.SenderReport:
                    Assert.True(RtcpReport.TryReadSenderInfo(packet, out RtcpSenderInfo info));
                    Assert.Equal(new RtcpSenderInfo(0x01020304, 0xe1b2c3d4aabbccdd, 96000, 50, 8000), info);
                    Assert.Equal(1, RtcpReport.ReportBlockCount(packet));
                    Assert.Equal(SrBlock, RtcpReport.ReadReportBlock(packet, 0));
                    break;
                case RtcpPacketType.SourceDescription:
                    Assert.True(RtcpSdes.TryGetCname(packet, 0x05060708, out string cname));
                    Assert.Equal("4TOk42mSjXCkVIa6", cname);
                    Assert.False(RtcpSdes.TryGetCname(packet, 1, out _));
                    break;
                case RtcpPacketType.Goodbye:
                    Assert.Equal(1, RtcpBye.SourceCount(packet));
                    Assert.Equal(0x05060708u, RtcpBye.GetSource(packet, 0));
                    Assert.Null(RtcpBye.GetReason(packet));
                    break;
            }
        }

        Assert.Equal(new byte[] { 200, 202, 203 }, types.ToArray());
    }

    [Fact]
    public void Compound_RrSdesByeWithReason_RoundTrips()
    {
        byte[] buffer = new byte[512];
        var blocks = new[]
        {
            new RtcpReportBlock(1, 255, RtcpReportBlock.MaxCumulativeLost, uint.MaxValue, 1, 2, 3),
            new RtcpReportBlock(2, 0, RtcpReportBlock.MinCumulativeLost, 0, 0, 0, 0),
        };
        int n = RtcpReport.WriteReceiverReport(buffer, 99, blocks);
        n += RtcpSdes.WriteCname(buffer.AsSpan(n), 99, "ünïcode-cname");
        n += RtcpBye.Write(buffer.AsSpan(n), [99u, 100u], "hang up");

        var reader = new RtcpCompoundReader(buffer.AsSpan(0, n));
        Assert.True(reader.MoveNext());
        Assert.Equal(99u, reader.Current.Ssrc);
        Assert.Equal(2, RtcpReport.ReportBlockCount(reader.Current));
        Assert.Equal(blocks[0], RtcpReport.ReadReportBlock(reader.Current, 0));
        Assert.Equal(blocks[1], RtcpReport.ReadReportBlock(reader.Current, 1));
        Assert.True(reader.MoveNext());
        Assert.True(RtcpSdes.TryGetCname(reader.Current, 99, out string cname));
        Assert.Equal("ünïcode-cname", cname);
        Assert.True(reader.MoveNext());
        Assert.Equal(2, RtcpBye.SourceCount(reader.Current));
        Assert.Equal("hang up", RtcpBye.GetReason(reader.Current));
        Assert.False(reader.MoveNext());
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void CumulativeLost_IsClampedTo24BitsOnWrite()
    {
        byte[] buffer = new byte[RtcpReportBlock.Length];
        new RtcpReportBlock(1, 0, int.MaxValue, 0, 0, 0, 0).Write(buffer);
        Assert.Equal(RtcpReportBlock.MaxCumulativeLost, RtcpReportBlock.Read(buffer).CumulativeLost);
        new RtcpReportBlock(1, 0, int.MinValue, 0, 0, 0, 0).Write(buffer);
        Assert.Equal(RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.Read(buffer).CumulativeLost);
    }

    [Theory]
    [InlineData("81c8")]                         // short header
    [InlineData("41c80000")]                     // version 1
    [InlineData("81c8000c01020304")]             // length past the end
    [InlineData("a1c8000001020300")]             // padding 0
    [InlineData("a1c80000010203ff")]             // padding past the body
    public void CompoundReader_FlagsMalformedPackets(string hex)
    {
        var reader = new RtcpCompoundReader(Convert.FromHexString(hex));
        while (reader.MoveNext())
        {
        }

        Assert.True(reader.IsMalformed);
    }

    [Fact]
    public void CompoundReader_ReturnsTheGoodHeadBeforeABadTail()
    {
        var reader = new RtcpCompoundReader(Convert.FromHexString(AiortcRr + "81c9ffff"));
        Assert.True(reader.MoveNext());
        Assert.Equal(RtcpPacketType.ReceiverReport, reader.Current.PacketType);
        Assert.False(reader.MoveNext());
        Assert.True(reader.IsMalformed);
    }

    [Fact]
    public void TruncatedReports_ExposeOnlyCompleteBlocks()
    {
        // An RR claiming 3 blocks but carrying one.
        byte[] rr = Convert.FromHexString(AiortcRr);
        rr[0] = 0x83;
        var reader = new RtcpCompoundReader(rr);
        Assert.True(reader.MoveNext());
        Assert.Equal(1, RtcpReport.ReportBlockCount(reader.Current));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtcpReport.ReadReportBlock(new RtcpCompoundReader(rr).GetFirst(), 1));

        byte[] sr = Convert.FromHexString(AiortcSr);
        sr[0] = 0x82;
        reader = new RtcpCompoundReader(sr);
        Assert.True(reader.MoveNext());
        Assert.False(RtcpReport.TryReadSenderInfo(reader.Current, out _));
    }

    [Fact]
    public void NtpTime_RoundTripsAndGivesMiddleBits()
    {
        var time = new DateTimeOffset(2026, 11, 24, 0, 0, 0, 500, TimeSpan.Zero);
        ulong ntp = RtcpNtpTime.FromDateTime(time);
        Assert.Equal(0x8000_0000u, (uint)ntp);
        Assert.Equal(time, RtcpNtpTime.ToDateTime(ntp));
        Assert.Equal((uint)(ntp >> 16), RtcpNtpTime.Middle(ntp));
        Assert.Equal(65536u + 32768u, RtcpNtpTime.ToDelay(TimeSpan.FromMilliseconds(1500)));
    }

    [Fact]
    public void IsRtcp_FollowsRfc5761()
    {
        Assert.True(RtcpPacketType.IsRtcp(Convert.FromHexString(AiortcRr)));
        Assert.False(RtcpPacketType.IsRtcp(Convert.FromHexString("806f0001")));
        Assert.False(RtcpPacketType.IsRtcp([0x80]));
    }
}

internal static class RtcpReaderTestExtensions
{
    public static RtcpPacket GetFirst(this RtcpCompoundReader reader)
    {
        reader.MoveNext();
        return reader.Current;
    }
}
