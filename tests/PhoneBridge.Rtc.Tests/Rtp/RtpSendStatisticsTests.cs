using PhoneBridge.Rtc.Rtp;

namespace PhoneBridge.Rtc.Tests.Rtp;

public class RtpSendStatisticsTests
{
    [Fact]
    public void SenderInfo_CountsPacketsAndOctets_AndExtrapolatesTheRtpTimestamp()
    {
        var stats = new RtpSendStatistics(7, 48000);
        for (int i = 0; i < 50; i++)
        {
            stats.OnPacketSent((uint)(1000 + i * 960), 80, TimeSpan.FromMilliseconds(i * 20));
        }

        var wall = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        RtcpSenderInfo info = stats.CreateSenderInfo(TimeSpan.FromMilliseconds(49 * 20 + 10), wall);
        Assert.Equal(7u, info.Ssrc);
        Assert.Equal(50u, info.PacketCount);
        Assert.Equal(4000u, info.OctetCount);
        Assert.Equal((uint)(1000 + 49 * 960 + 480), info.RtpTimestamp);
        Assert.Equal(RtcpNtpTime.FromDateTime(wall), info.NtpTimestamp);
    }

    [Fact]
    public void RoundTrip_IsArrivalMinusLsrMinusDlsr()
    {
        var stats = new RtpSendStatistics(7, 48000);
        var sentAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        uint lsr = RtcpNtpTime.Middle(RtcpNtpTime.FromDateTime(sentAt));

        // The peer held the SR for 250 ms and the report arrives 330 ms after the SR left: RTT 80 ms.
        var block = new RtcpReportBlock(7, 0, 0, 0, 0, lsr, RtcpNtpTime.ToDelay(TimeSpan.FromMilliseconds(250)));
        TimeSpan? rtt = stats.OnReportBlock(block, sentAt.AddMilliseconds(330));
        Assert.NotNull(rtt);
        Assert.InRange(rtt.Value.TotalMilliseconds, 79, 81);

        Assert.Equal(rtt, stats.OnReportBlock(block with { Ssrc = 8 }, sentAt.AddSeconds(9)));
        Assert.Equal(rtt, stats.OnReportBlock(block with { LastSenderReport = 0 }, sentAt.AddSeconds(9)));
    }
}
