using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Tests.Media;

namespace PhoneBridge.Rtc.Tests.Opus;

public class OpusCodecTests
{
    [Fact]
    public void Library_loads_and_reports_a_version() =>
        Assert.StartsWith("libopus", OpusLibrary.Version, StringComparison.Ordinal);

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(48000)]
    public void Tone_survives_encode_and_decode_at_the_phone_rate(int rate)
    {
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = rate, Complexity = 5 });
        using var decoder = new OpusDecoder(rate);
        var input = TestSignal.ToneAndChirp(rate, 1.0);
        var output = RoundTrip(encoder, decoder, input, dropFrame: -1, useFec: false);

        var (correlation, lag) = TestSignal.BestCorrelation(input.AsSpan(rate / 10, rate / 2), output.AsSpan(rate / 10), rate / 50);

        Assert.True(correlation > 0.9, $"correlation {correlation:F3} at lag {lag}");
        Assert.InRange(lag, 0, encoder.Lookahead + 2);
    }

    [Theory]
    [InlineData(8000, 1101)]
    [InlineData(16000, 1103)]
    [InlineData(48000, 1105)]
    public void Bandwidth_is_capped_by_the_sample_rate(int rate, int bandwidth)
    {
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = rate, Complexity = 3 });

        Assert.Equal(bandwidth, encoder.MaxBandwidth);
        Assert.Equal(3, encoder.Complexity);
        Assert.Equal(rate / 50, encoder.FrameSize);
    }

    [Fact]
    public void Lost_frame_is_concealed_with_plc()
    {
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = 8000, InbandFec = false, PacketLossPercent = 0 });
        using var decoder = new OpusDecoder(8000);
        var input = TestSignal.Tone(8000, 440, 0.6);
        var output = RoundTrip(encoder, decoder, input, dropFrame: 20, useFec: false);

        var concealed = output.AsSpan(20 * 160, 160);

        // PLC extrapolates the tone, so the gap is neither silent nor wildly louder than the signal.
        Assert.InRange(TestSignal.Rms(concealed), TestSignal.Rms(input) * 0.1, TestSignal.Rms(input) * 2);
        var (correlation, _) = TestSignal.BestCorrelation(input.AsSpan(1600, 1600), output.AsSpan(1600), 160);
        Assert.True(correlation > 0.6, $"correlation {correlation:F3}");
    }

    [Fact]
    public void Lost_frame_is_rebuilt_from_in_band_fec_of_the_next_packet()
    {
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = 16000, InbandFec = true, PacketLossPercent = 20, Bitrate = 24000 });
        using var decoder = new OpusDecoder(16000);
        var input = TestSignal.ToneAndChirp(16000, 1.0);
        var output = RoundTrip(encoder, decoder, input, dropFrame: 25, useFec: true);

        var (correlation, lag) = TestSignal.BestCorrelation(input.AsSpan(16000 / 10, 16000 / 2), output.AsSpan(16000 / 10), 320);

        Assert.True(correlation > 0.85, $"correlation {correlation:F3} at lag {lag}");
        Assert.True(TestSignal.Rms(output.AsSpan(25 * 320, 320)) > TestSignal.Rms(input) * 0.3);
    }

    [Fact]
    public void Corrupt_packets_are_reported_not_thrown_by_TryDecode()
    {
        using var decoder = new OpusDecoder(8000);
        var pcm = new short[decoder.MaxFrameSize];

        // TOC code 3 with a frame count of 0 is invalid per RFC 6716 §3.2.5.
        Assert.False(decoder.TryDecode([0x03, 0x00], pcm, out _, out var error));
        Assert.True(error < 0);
        Assert.False(decoder.TryDecode([], pcm, out _, out _));
        Assert.Throws<OpusException>(() => decoder.Decode([0x03, 0x00], pcm));
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool Random_packets_never_crash_the_decoder(byte[]? packet)
    {
        using var decoder = new OpusDecoder(8000);
        var pcm = new short[decoder.MaxFrameSize];
        var ok = decoder.TryDecode(packet ?? [], pcm, out var samples, out var error);
        return ok ? samples <= pcm.Length : error < 0;
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoder(new OpusEncoderOptions { SampleRate = 44100 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusDecoder(22050));
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = 8000 });
        Assert.Throws<ArgumentException>(() => encoder.Encode(new short[161], new byte[OpusEncoder.MaxPacketSize]));
    }

    [Fact]
    public void Disposed_codec_throws_ObjectDisposedException()
    {
        var decoder = new OpusDecoder(8000);
        decoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => decoder.Conceal(new short[160]));
    }

    private static short[] RoundTrip(OpusEncoder encoder, OpusDecoder decoder, short[] input, int dropFrame, bool useFec)
    {
        var frame = encoder.FrameSize;
        var frames = input.Length / frame;
        var packets = new byte[frames][];
        var buffer = new byte[OpusEncoder.MaxPacketSize];
        for (var i = 0; i < frames; i++)
        {
            var n = encoder.Encode(input.AsSpan(i * frame, frame), buffer);
            packets[i] = buffer[..n];
        }

        var output = new short[frames * frame];
        for (var i = 0; i < frames; i++)
        {
            var target = output.AsSpan(i * frame, frame);
            if (i == dropFrame)
            {
                var n = useFec && i + 1 < frames ? decoder.DecodeFec(packets[i + 1], target) : decoder.Conceal(target);
                Assert.Equal(frame, n);
            }
            else
            {
                Assert.Equal(frame, decoder.Decode(packets[i], target));
            }
        }

        return output;
    }
}
