using PhoneBridge.Audio;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Opus;

namespace PhoneBridge.Rtc.Tests.Media;

public sealed class JitterBufferTests : IDisposable
{
    private const int Rate = 8000;
    private const int Frame = Rate / 50;
    private readonly OpusDecoder _decoder = new(Rate);
    private readonly List<short[]> _frames = [];
    private readonly short[] _input = TestSignal.ToneAndChirp(Rate, 1.0);
    private readonly byte[][] _packets;

    public JitterBufferTests()
    {
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = Rate, InbandFec = true, PacketLossPercent = 20 });
        _packets = new byte[_input.Length / Frame][];
        var buffer = new byte[OpusEncoder.MaxPacketSize];
        for (var i = 0; i < _packets.Length; i++)
        {
            var n = encoder.Encode(_input.AsSpan(i * Frame, Frame), buffer);
            _packets[i] = buffer[..n];
        }
    }

    public void Dispose() => _decoder.Dispose();

    [Fact]
    public void In_order_packets_are_decoded_immediately()
    {
        var jb = Create();

        Push(jb, 0, baseSeq: 100);
        Assert.Single(_frames);
        Push(jb, 1, baseSeq: 100);

        Assert.Equal(2, _frames.Count);
        Assert.Equal(2, jb.Stats.Decoded);
    }

    [Fact]
    public void Reordered_packets_within_the_target_delay_lose_nothing()
    {
        var jb = Create();
        int[] order = [0, 2, 1, 3, 5, 4, 6, 7];

        foreach (var i in order)
        {
            Push(jb, i, baseSeq: 10);
        }

        Assert.Equal(8, _frames.Count);
        Assert.Equal(8, jb.Stats.Decoded);
        Assert.Equal(0, jb.Stats.Concealed + jb.Stats.RecoveredByFec);
    }

    [Fact]
    public void Single_loss_is_rebuilt_from_fec_and_audio_stays_correlated()
    {
        var jb = Create();

        for (var i = 0; i < _packets.Length; i++)
        {
            if (i != 20)
            {
                Push(jb, i, baseSeq: 65500);
            }
        }

        jb.Flush();
        Assert.Equal(_packets.Length, _frames.Count);
        Assert.Equal(1, jb.Stats.RecoveredByFec);
        Assert.Equal(0, jb.Stats.Concealed);
        var output = _frames.SelectMany(f => f).ToArray();
        var (correlation, _) = TestSignal.BestCorrelation(_input.AsSpan(800, 4000), output.AsSpan(800), 160);
        Assert.True(correlation > 0.85, $"correlation {correlation:F3}");
    }

    [Fact]
    public void Trailing_loss_is_concealed_once_later_packets_cover_the_target()
    {
        var jb = Create();
        Push(jb, 0, baseSeq: 1);
        Push(jb, 2, baseSeq: 1);
        Assert.Single(_frames);

        Push(jb, 4, baseSeq: 1);

        // Frame 1 comes back through FEC in packet 2; frame 3 waits for one more packet.
        Assert.Equal(3, _frames.Count);
        Assert.Equal(1, jb.Stats.RecoveredByFec);

        Push(jb, 6, baseSeq: 1);

        // Frame 3 comes back through FEC in packet 4.
        Assert.Equal(5, _frames.Count);
        Assert.Equal(2, jb.Stats.RecoveredByFec);
        Assert.Equal(0, jb.Stats.Concealed);
        Push(jb, 9, baseSeq: 1);

        // Frame 5 from FEC in packet 6; frame 7 has no successor, so the decoder conceals it.
        Assert.Equal(3, jb.Stats.RecoveredByFec);
        Assert.Equal(1, jb.Stats.Concealed);
        Assert.Equal(8, _frames.Count);
        Assert.All(_frames, f => Assert.Equal(Frame, f.Length));
    }

    [Fact]
    public void Sequence_wrap_is_continuous()
    {
        var jb = Create();

        for (var i = 0; i < 10; i++)
        {
            Push(jb, i, baseSeq: 65531);
        }

        Assert.Equal(10, jb.Stats.Decoded);
        Assert.Equal(0, jb.Stats.Late + jb.Stats.Concealed + jb.Stats.Resyncs);
    }

    [Fact]
    public void Duplicates_and_late_packets_are_dropped()
    {
        var jb = Create();
        Push(jb, 0, baseSeq: 5);
        Push(jb, 2, baseSeq: 5);
        Push(jb, 2, baseSeq: 5);
        Push(jb, 0, baseSeq: 5);

        Assert.Equal(1, jb.Stats.Duplicates);
        Assert.Equal(1, jb.Stats.Late);
        Assert.Single(_frames);
    }

    [Fact]
    public void Jump_beyond_capacity_resyncs()
    {
        var jb = Create();
        Push(jb, 0, baseSeq: 0);
        Push(jb, 1, baseSeq: 1000);
        Push(jb, 2, baseSeq: 1000);

        Assert.Equal(1, jb.Stats.Resyncs);
        Assert.Equal(3, jb.Stats.Decoded);
    }

    [Fact]
    public void Restarted_sender_with_lower_sequence_is_followed_after_a_run()
    {
        var jb = Create();
        for (var i = 0; i < 5; i++)
        {
            Push(jb, i, baseSeq: 30000);
        }

        for (var i = 0; i < 20; i++)
        {
            Push(jb, i, baseSeq: 20000);
        }

        Assert.Equal(1, jb.Stats.Resyncs);
        Assert.True(jb.Stats.Decoded >= 5 + 12);
    }

    [Fact]
    public void Corrupt_and_empty_payloads_are_counted_not_thrown()
    {
        var jb = Create();
        jb.Push(1, 0, [0x03, 0x00], 0);
        jb.Push(2, 960, [], 0);
        jb.Push(3, 1920, new byte[2000], 0);

        Assert.Equal(3, jb.Stats.Corrupt);
    }

    [Fact]
    public void Target_delay_grows_with_jitter_and_is_capped()
    {
        var jb = Create();
        Assert.Equal(20, jb.Stats.TargetDelayMs);
        var random = new Random(1);
        for (var i = 0; i < 200; i++)
        {
            var arrival = (uint)((i * 960) + random.Next(0, 48 * 40));
            jb.Push((ushort)i, (uint)(i * 960), _packets[i % _packets.Length], arrival);
        }

        Assert.InRange(jb.Stats.TargetDelayMs, 40, 60);
        Assert.True(jb.Stats.JitterMs > 5);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool Arbitrary_arrival_orders_never_crash_or_overrun(ushort[] sequences)
    {
        using var decoder = new OpusDecoder(Rate);
        var count = 0;
        var jb = new JitterBuffer(decoder, new FrameSink(pcm => count += pcm.Length == Frame ? 1 : 1000));
        foreach (var s in sequences ?? [])
        {
            jb.Push(s, (uint)(s * 960), _packets[s % _packets.Length], (uint)(s * 960));
        }

        jb.Flush();
        return count < 1000 || sequences is null;
    }

    private JitterBuffer Create() => new(_decoder, new FrameSink(pcm => _frames.Add(pcm.ToArray())));

    private void Push(JitterBuffer jb, int index, int baseSeq) =>
        jb.Push((ushort)(baseSeq + index), (uint)(index * 960), _packets[index], (uint)(index * 960));

    private sealed class FrameSink(Action<ReadOnlySpan<short>> onFrame) : IAudioFrameSink
    {
        public void OnFrame(ReadOnlySpan<short> frame) => onFrame(frame);
    }
}
