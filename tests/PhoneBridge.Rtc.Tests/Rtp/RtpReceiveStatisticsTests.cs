using PhoneBridge.Rtc.Rtp;

namespace PhoneBridge.Rtc.Tests.Rtp;

public class RtpReceiveStatisticsTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void PerfectStream_HasNoLossAndNoJitter_AcrossTheWrap()
    {
        var stats = new RtpReceiveStatistics(1, 48000);
        ushort seq = 65_500;
        for (int i = 0; i < 100; i++, seq++)
        {
            Assert.True(stats.OnPacket(seq, (uint)(i * 960), Ms(i * 20)));
        }

        RtcpReportBlock block = stats.CreateReportBlock(Ms(2000));
        Assert.Equal(0, block.FractionLost);
        Assert.Equal(0, block.CumulativeLost);
        Assert.Equal(65536u + 63, block.ExtendedHighestSequence);
        Assert.Equal(0u, block.Jitter);
    }

    [Fact]
    public void Loss_GivesFractionPerIntervalAndCumulativeTotal()
    {
        var stats = new RtpReceiveStatistics(1, 8000);
        for (ushort s = 0; s < 100; s++)
        {
            if (s % 4 != 1)
            {
                stats.OnPacket(s, s * 160u, Ms(s * 20));
            }
        }

        RtcpReportBlock first = stats.CreateReportBlock(Ms(2000));
        Assert.Equal(25, first.CumulativeLost);
        Assert.Equal(64, first.FractionLost); // 25/100 * 256

        for (ushort s = 100; s < 200; s++)
        {
            stats.OnPacket(s, s * 160u, Ms(s * 20));
        }

        RtcpReportBlock second = stats.CreateReportBlock(Ms(4000));
        Assert.Equal(0, second.FractionLost);
        Assert.Equal(25, second.CumulativeLost);
        Assert.Equal(199u, second.ExtendedHighestSequence);
    }

    [Fact]
    public void Duplicates_MakeLossNegative_AndFractionZero()
    {
        var stats = new RtpReceiveStatistics(1, 8000);
        for (ushort s = 0; s < 10; s++)
        {
            stats.OnPacket(s, s * 160u, Ms(s * 20));
            stats.OnPacket(s, s * 160u, Ms(s * 20));
        }

        RtcpReportBlock block = stats.CreateReportBlock(Ms(300));
        Assert.Equal(-10, block.CumulativeLost);
        Assert.Equal(0, block.FractionLost);
    }

    [Fact]
    public void Jitter_FollowsRfc3550A8()
    {
        // Alternating 0 and 10 ms early/late arrivals: |D| = 80 units at 8 kHz each packet after the first.
        var stats = new RtpReceiveStatistics(1, 8000);
        double j = 0;
        for (int i = 0; i < 200; i++)
        {
            double arrival = i * 20 + (i % 2 == 0 ? 0 : 10);
            stats.OnPacket((ushort)i, (uint)(i * 160), Ms(arrival));
            if (i > 0)
            {
                j += (80 - j) / 16;
            }
        }

        Assert.InRange(stats.Jitter, (uint)Math.Floor(j) - 1, (uint)Math.Ceiling(j) + 1);
        Assert.InRange(stats.Jitter, 75u, 80u);
    }

    [Fact]
    public void SequenceJump_IsIgnoredOnce_ThenAcceptedAsARestart()
    {
        var stats = new RtpReceiveStatistics(1, 8000);
        for (ushort s = 0; s < 10; s++)
        {
            stats.OnPacket(s, s * 160u, Ms(s * 20));
        }

        Assert.False(stats.OnPacket(30_000, 0, Ms(220)));
        Assert.True(stats.OnPacket(30_001, 160, Ms(240)));
        Assert.True(stats.OnPacket(30_002, 320, Ms(260)));
        Assert.Equal(30_002u, stats.ExtendedHighestSequence);
        Assert.Equal(0, stats.CumulativeLost);
    }

    [Fact]
    public void ReorderedPacketsBeforeTheWrap_DoNotAddACycle()
    {
        var stats = new RtpReceiveStatistics(1, 8000);
        stats.OnPacket(65_534, 0, Ms(0));
        stats.OnPacket(0, 320, Ms(40));
        stats.OnPacket(65_535, 160, Ms(45));
        stats.OnPacket(1, 480, Ms(60));
        Assert.Equal(65536u + 1, stats.ExtendedHighestSequence);
        Assert.Equal(0, stats.CumulativeLost);
    }

    [Fact]
    public void SenderReport_FillsLsrAndDlsr()
    {
        var stats = new RtpReceiveStatistics(1, 48000);
        stats.OnPacket(1, 0, Ms(0));
        ulong ntp = 0x0001_2345_6789_0000;
        stats.OnSenderReport(ntp, Ms(1000));
        RtcpReportBlock block = stats.CreateReportBlock(Ms(1500));
        Assert.Equal(0x2345_6789u, block.LastSenderReport);
        Assert.Equal(32768u, block.DelaySinceLastSenderReport);
    }
}
