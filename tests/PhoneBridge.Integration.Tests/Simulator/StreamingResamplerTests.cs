using PhoneBridge.Simulator.Audio;

namespace PhoneBridge.Integration.Tests.Simulator;

public class StreamingResamplerTests
{
    public static TheoryData<int, int> Pairs => new()
    {
        { 8000, 16000 },
        { 8000, 48000 },
        { 16000, 48000 },
        { 16000, 8000 },
        { 48000, 8000 },
        { 48000, 16000 },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void OneKilohertzPassesWithinHalfADecibel(int inRate, int outRate)
    {
        var output = ResampleTone(inRate, outRate, 1000, 10000, out var resampler);
        var gainDb = 20 * Math.Log10(ToneAmplitude(output, outRate, 1000, resampler.DelaySamples) / 10000);
        Assert.InRange(gainDb, -0.5, 0.5);
    }

    [Theory]
    [InlineData(8000, 16000, 3000)]
    [InlineData(8000, 48000, 3400)]
    [InlineData(16000, 8000, 3400)]
    [InlineData(48000, 8000, 3400)]
    [InlineData(48000, 16000, 7000)]
    public void TelephoneBandEdgeStaysFlat(int inRate, int outRate, int frequency)
    {
        var output = ResampleTone(inRate, outRate, frequency, 10000, out var resampler);
        var gainDb = 20 * Math.Log10(ToneAmplitude(output, outRate, frequency, resampler.DelaySamples) / 10000);
        Assert.InRange(gainDb, -0.5, 0.5);
    }

    [Theory]
    [InlineData(48000, 8000, 6000)]
    [InlineData(48000, 8000, 4500)]
    [InlineData(48000, 8000, 12000)]
    [InlineData(16000, 8000, 6000)]
    [InlineData(48000, 16000, 12000)]
    public void ToneAboveTheTargetNyquistIsAttenuatedAtLeast50Db(int inRate, int outRate, int frequency)
    {
        var output = ResampleTone(inRate, outRate, frequency, 10000, out var resampler);
        var settled = output.AsSpan(resampler.DelaySamples * 2);
        var rms = Math.Sqrt(settled.ToArray().Average(s => (double)s * s));
        var attenuationDb = 20 * Math.Log10((10000 / Math.Sqrt(2)) / Math.Max(rms, 1e-9));
        Assert.True(attenuationDb >= 50, $"only {attenuationDb:F1} dB down");
    }

    [Theory]
    [InlineData(8000, 48000, 3000)]
    [InlineData(16000, 48000, 6000)]
    [InlineData(8000, 16000, 3000)]
    public void ImagesAboveTheSourceNyquistAreAttenuatedAtLeast50Db(int inRate, int outRate, int frequency)
    {
        var output = ResampleTone(inRate, outRate, frequency, 10000, out var resampler);
        var image = inRate - frequency;
        var imageAmplitude = ToneAmplitude(output, outRate, image, resampler.DelaySamples);
        Assert.True(20 * Math.Log10(10000 / Math.Max(imageAmplitude, 1e-9)) >= 50, $"image at {image} Hz is {imageAmplitude:F2}");
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void MeasuredGroupDelayEqualsReportedDelayAndIsUnderFiveMilliseconds(int inRate, int outRate)
    {
        var resampler = new StreamingResampler(inRate, outRate);
        Assert.True(resampler.Delay < TimeSpan.FromMilliseconds(5), resampler.Delay.ToString());
        Assert.True(resampler.Delay > TimeSpan.Zero);
        Assert.Equal((double)resampler.DelaySamples / outRate, resampler.Delay.TotalSeconds, 9);
        Assert.Equal((double)resampler.DelayInputSamples / inRate, resampler.Delay.TotalSeconds, 9);

        // An impulse placed on the common grid comes out centred exactly DelaySamples later.
        var inputLength = inRate / 10;
        var input = new short[inputLength];
        var impulseAt = inRate / 100;
        input[impulseAt] = 16000;
        var output = new short[StreamingResampler.MaxOutputLength(inRate, outRate, inputLength)];
        var n = resampler.Process(input, output);
        var peak = Array.IndexOf(output, output.AsSpan(0, n).ToArray().Max());
        var expected = ((long)impulseAt * outRate / inRate) + resampler.DelaySamples;
        Assert.Equal(expected, peak);

        // The phase of a low tone agrees with a pure delay of DelaySamples.
        var tone = ResampleTone(inRate, outRate, 500, 10000, out var toneResampler);
        var fitted = FitDelay(tone, outRate, 500, toneResampler.DelaySamples);
        Assert.InRange(fitted, toneResampler.DelaySamples - 0.05, toneResampler.DelaySamples + 0.05);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void FrameByFrameEqualsOneShot(int inRate, int outRate)
    {
        var random = new Random(1234);
        var input = new short[inRate]; // one second
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (short)random.Next(-20000, 20000);
        }

        var oneShot = new short[StreamingResampler.MaxOutputLength(inRate, outRate, input.Length)];
        var total = new StreamingResampler(inRate, outRate).Process(input, oneShot);
        Assert.Equal(outRate, total);

        var framed = new StreamingResampler(inRate, outRate);
        var frame = inRate / 50;
        var pieces = new List<short>();
        var buffer = new short[StreamingResampler.MaxOutputLength(inRate, outRate, frame)];
        for (var offset = 0; offset < input.Length; offset += frame)
        {
            var written = framed.Process(input.AsSpan(offset, frame), buffer);
            Assert.Equal(outRate / 50, written);
            pieces.AddRange(buffer.AsSpan(0, written));
        }

        Assert.Equal(oneShot.AsSpan(0, total).ToArray(), pieces.ToArray());

        // Odd piece sizes (not multiples of the ratio) still concatenate exactly.
        var odd = new StreamingResampler(inRate, outRate);
        var oddPieces = new List<short>();
        var sizes = new[] { 1, 7, 13, 0, 999, 2, 1000, 5 };
        var oddBuffer = new short[StreamingResampler.MaxOutputLength(inRate, outRate, 2000)];
        for (int offset = 0, s = 0; offset < input.Length; s++)
        {
            var size = Math.Min(sizes[s % sizes.Length], input.Length - offset);
            var written = odd.Process(input.AsSpan(offset, size), oddBuffer);
            Assert.True(written <= StreamingResampler.MaxOutputLength(inRate, outRate, size));
            oddPieces.AddRange(oddBuffer.AsSpan(0, written));
            offset += size;
        }

        Assert.Equal(oneShot.AsSpan(0, total).ToArray(), oddPieces.ToArray());
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void SilenceInSilenceOut(int inRate, int outRate)
    {
        var resampler = new StreamingResampler(inRate, outRate);
        var input = new short[inRate / 50];
        var output = new short[StreamingResampler.MaxOutputLength(inRate, outRate, input.Length)];
        for (var i = 0; i < 50; i++)
        {
            var n = resampler.Process(input, output);
            Assert.All(output.AsSpan(0, n).ToArray(), s => Assert.Equal(0, s));
        }
    }

    [Fact]
    public void FullScaleInputSaturatesInsteadOfWrapping()
    {
        // A full-scale square wave overshoots (Gibbs); the output must clip, not wrap around.
        var input = new short[8000];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (i / 20 % 2) == 0 ? short.MaxValue : short.MinValue;
        }

        var resampler = new StreamingResampler(8000, 48000);
        var output = new short[StreamingResampler.MaxOutputLength(8000, 48000, input.Length)];
        var n = resampler.Process(input, output);
        var settled = output.AsSpan(resampler.DelaySamples, n - resampler.DelaySamples).ToArray();
        Assert.Contains(short.MaxValue, settled);
        Assert.Contains(short.MinValue, settled);
        for (var i = 1; i < settled.Length; i++)
        {
            // Wrapping would show up as a jump of nearly the full range between neighbours.
            Assert.True(Math.Abs(settled[i] - settled[i - 1]) < 40000, $"jump at {i}");
        }
    }

    [Fact]
    public void IdentityCopies()
    {
        var resampler = new StreamingResampler(16000, 16000);
        short[] input = [1, -2, 3, short.MaxValue];
        var output = new short[4];
        Assert.Equal(4, resampler.Process(input, output));
        Assert.Equal(input, output);
        Assert.Equal(0, resampler.DelaySamples);
    }

    [Fact]
    public void ResetForgetsHistory()
    {
        var resampler = new StreamingResampler(8000, 48000);
        var loud = Enumerable.Repeat((short)20000, 160).ToArray();
        var output = new short[960];
        resampler.Process(loud, output);
        resampler.Reset();
        resampler.Process(new short[160], output);
        Assert.All(output, s => Assert.Equal(0, s));
    }

    [Fact]
    public void ProcessDoesNotAllocate()
    {
        var resampler = new StreamingResampler(48000, 8000);
        var input = new short[960];
        var output = new short[160];
        resampler.Process(input, output);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            resampler.Process(input, output);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void RejectsUnsupportedRatesAndShortOutput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingResampler(44100, 8000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamingResampler(8000, 0));
        Assert.Throws<ArgumentException>(() => new StreamingResampler(8000, 48000).Process(new short[160], new short[959]));
        Assert.Equal(960, StreamingResampler.MaxOutputLength(8000, 48000, 160));
        Assert.Equal(160, StreamingResampler.MaxOutputLength(48000, 8000, 960));
        Assert.Equal(1, StreamingResampler.MaxOutputLength(48000, 8000, 1));
    }

    private static short[] ResampleTone(int inRate, int outRate, double frequency, double amplitude, out StreamingResampler resampler)
    {
        resampler = new StreamingResampler(inRate, outRate);
        var input = new short[inRate / 2];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / inRate));
        }

        var output = new short[StreamingResampler.MaxOutputLength(inRate, outRate, input.Length)];
        var frame = inRate / 50;
        var written = 0;
        for (var offset = 0; offset < input.Length; offset += frame)
        {
            written += resampler.Process(input.AsSpan(offset, frame), output.AsSpan(written));
        }

        return output[..written];
    }

    // Amplitude at one frequency over whole periods after the filter has settled (one-bin DFT).
    private static double ToneAmplitude(short[] output, int rate, double frequency, int delay)
    {
        var (re, im, _) = Bin(output, rate, frequency, delay);
        return Math.Sqrt((re * re) + (im * im));
    }

    private static (double Re, double Im, int Start) Bin(short[] output, int rate, double frequency, int delay)
    {
        var start = (delay * 2) + (rate / 100);
        var length = ((output.Length - start) / (rate / 100)) * (rate / 100);
        double re = 0, im = 0;
        for (var n = start; n < start + length; n++)
        {
            var angle = 2 * Math.PI * frequency * n / rate;
            re += output[n] * Math.Cos(angle);
            im += output[n] * Math.Sin(angle);
        }

        return (2 * re / length, 2 * im / length, start);
    }

    // For input sin(ωn), a delay of d output samples gives sin(ω(n-d)); recover d from the phase.
    private static double FitDelay(short[] output, int rate, double frequency, int expected)
    {
        var (re, im, _) = Bin(output, rate, frequency, expected);
        var phase = Math.Atan2(re, im); // output ≈ A sin(ωn + φ) → im ∝ cos φ, re ∝ sin φ
        var samplesPerCycle = rate / frequency;
        var delay = -phase / (2 * Math.PI) * samplesPerCycle;
        while (delay < expected - (samplesPerCycle / 2))
        {
            delay += samplesPerCycle;
        }

        while (delay > expected + (samplesPerCycle / 2))
        {
            delay -= samplesPerCycle;
        }

        return delay;
    }
}
