using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Rtcp;

namespace PhoneBridge.Rtc.Tests.Media;

/// <summary>The RTCP report block a remote track builds from its jitter buffer (RFC 3550 §6.4.1, A.3, A.8).</summary>
public sealed class RemoteAudioTrackReportTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void PerfectStream_HasNoLossAndNoJitter_AcrossTheWrap()
    {
        using var track = Create(48000, out var packets);
        ushort seq = 65_500;
        for (int i = 0; i < 100; i++, seq++)
        {
            track.Jitter.Push(seq, (uint)(i * 960), packets[i % packets.Length], (uint)(i * 960));
        }

        RtcpReportBlock block = track.CreateReportBlock(_time);
        Assert.Equal(0x1234u, block.Ssrc);
        Assert.Equal(0, block.FractionLost);
        Assert.Equal(0, block.CumulativeLost);
        Assert.Equal(65536u + 63, block.ExtendedHighestSequence);
        Assert.Equal(0u, block.Jitter);
        Assert.Equal(0u, block.LastSenderReport);
        Assert.Equal(0u, block.DelaySinceLastSenderReport);
        Assert.Equal(0, track.PacketsLost);
    }

    [Fact]
    public void Loss_GivesFractionPerIntervalAndCumulativeTotal()
    {
        using var track = Create(8000, out var packets);
        for (ushort s = 0; s < 100; s++)
        {
            if (s % 4 != 1)
            {
                track.Jitter.Push(s, s * 960u, packets[s % packets.Length], s * 960u);
            }
        }

        RtcpReportBlock first = track.CreateReportBlock(_time);
        Assert.Equal(25, first.CumulativeLost);
        Assert.Equal(64, first.FractionLost); // 25/100 * 256
        Assert.Equal(25, track.PacketsLost);

        for (ushort s = 100; s < 200; s++)
        {
            track.Jitter.Push(s, s * 960u, packets[s % packets.Length], s * 960u);
        }

        RtcpReportBlock second = track.CreateReportBlock(_time);
        Assert.Equal(0, second.FractionLost);
        Assert.Equal(25, second.CumulativeLost);
        Assert.Equal(199u, second.ExtendedHighestSequence);
        Assert.Equal(25, track.PacketsLost);
    }

    [Fact]
    public void Duplicates_MakeLossNegative_AndFractionZero()
    {
        using var track = Create(8000, out var packets);
        for (ushort s = 0; s < 10; s++)
        {
            track.Jitter.Push(s, s * 960u, packets[s % packets.Length], s * 960u);
            track.Jitter.Push(s, s * 960u, packets[s % packets.Length], s * 960u);
        }

        // Each copy arrives after its original was played, so it counts as received (RFC 3550 A.3 allows negative loss).
        RtcpReportBlock block = track.CreateReportBlock(_time);
        Assert.Equal(-10, block.CumulativeLost);
        Assert.Equal(0, block.FractionLost);

        // The metrics' loss counter never goes below zero.
        Assert.Equal(0, track.PacketsLost);
        Assert.Equal(9u, block.ExtendedHighestSequence);
    }

    [Fact]
    public void Jitter_FollowsRfc3550A8()
    {
        // Alternating 0 and 10 ms late arrivals: |D| = 480 ticks of the 48 kHz RTP clock each packet after the first.
        using var track = Create(48000, out var packets);
        double j = 0;
        for (int i = 0; i < 200; i++)
        {
            uint arrival = (uint)((i * 960) + (i % 2 == 0 ? 0 : 480));
            track.Jitter.Push((ushort)i, (uint)(i * 960), packets[i % packets.Length], arrival);
            if (i > 0)
            {
                j += (480 - j) / 16;
            }
        }

        uint jitter = track.CreateReportBlock(_time).Jitter;
        Assert.InRange(jitter, (uint)Math.Floor(j) - 1, (uint)Math.Ceiling(j) + 1);
        Assert.InRange(jitter, 450u, 480u);
    }

    [Fact]
    public void ReorderedPacketsBeforeTheWrap_DoNotAddACycle()
    {
        using var track = Create(8000, out var packets);
        track.Jitter.Push(65_534, 0, packets[0], 0);
        track.Jitter.Push(0, 1920, packets[2], 1920);
        track.Jitter.Push(65_535, 960, packets[1], 2100);
        track.Jitter.Push(1, 2880, packets[3], 2880);

        RtcpReportBlock block = track.CreateReportBlock(_time);
        Assert.Equal(65536u + 1, block.ExtendedHighestSequence);
        Assert.Equal(0, block.CumulativeLost);
    }

    [Fact]
    public void SenderReport_FillsLsrAndDlsr()
    {
        using var track = Create(48000, out var packets);
        track.Jitter.Push(1, 0, packets[0], 0);
        track.OnSenderReport(0x0001_2345_6789_0000, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(500));

        RtcpReportBlock block = track.CreateReportBlock(_time);
        Assert.Equal(0x2345_6789u, block.LastSenderReport);
        Assert.Equal(32768u, block.DelaySinceLastSenderReport);
    }

    private static RemoteAudioTrack Create(int rate, out byte[][] packets)
    {
        var frame = rate / 50;
        var input = TestSignal.ToneAndChirp(rate, 0.2);
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = rate });
        packets = new byte[input.Length / frame][];
        var buffer = new byte[OpusEncoder.MaxPacketSize];
        for (var i = 0; i < packets.Length; i++)
        {
            var n = encoder.Encode(input.AsSpan(i * frame, frame), buffer);
            packets[i] = buffer[..n];
        }

        return new RemoteAudioTrack("0", null, null, rate, 111, 0) { Ssrc = 0x1234 };
    }
}
