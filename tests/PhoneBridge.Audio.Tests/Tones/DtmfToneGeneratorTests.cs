using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Audio.Tests.Tones;

public class DtmfToneGeneratorTests
{
    private static readonly double LowPeak = DtmfToneGenerator.ZeroDbm0Peak * Math.Pow(10, -7 / 20.0);
    private static readonly double HighPeak = DtmfToneGenerator.ZeroDbm0Peak * Math.Pow(10, -5 / 20.0);

    public static TheoryData<int> Rates => [8000, 16000, 48000];

    [Theory]
    [MemberData(nameof(Rates))]
    public void EveryKeyIsExactlyItsQ23PairAtTheSpecifiedLevels(int rate)
    {
        foreach (var key in DtmfKeys.All)
        {
            var samples = Generate(new DtmfToneGenerator(key.ToString(), rate), rate);
            var row = DtmfKeys.All.IndexOf(key, StringComparison.Ordinal) / 4;
            var column = DtmfKeys.All.IndexOf(key, StringComparison.Ordinal) % 4;

            // The steady part of the 100 ms tone, past the 3 ms ramps.
            var ramp = rate / 1000 * DtmfToneGenerator.RampMilliseconds;
            var steady = samples.AsSpan(ramp, (rate / 10) - (2 * ramp));
            var (amplitudes, residual) = Sinusoids.Fit(steady, rate, DtmfKeys.LowHz[row], DtmfKeys.HighHz[column]);

            Assert.InRange(Sinusoids.Db(amplitudes[0] / LowPeak), -0.05, 0.05);
            Assert.InRange(Sinusoids.Db(amplitudes[1] / HighPeak), -0.05, 0.05);

            // Nothing but the two tones: what the fit leaves is rounding noise, some 70 dB down.
            Assert.True(residual < 1e-6, $"{key} at {rate} Hz: {10 * Math.Log10(residual):0.0} dB left after fitting the pair");

            // A neighbouring frequency explains nothing of it.
            var (_, offResidual) = Sinusoids.Fit(steady, rate, DtmfKeys.LowHz[row] + 15, DtmfKeys.HighHz[column]);
            Assert.True(offResidual > 0.1, $"{key}: the pair 15 Hz off fits too well");
        }
    }

    [Theory]
    [InlineData(8000, 100, 100)]
    [InlineData(16000, 50, 60)]
    [InlineData(48000, 1000, 1000)]
    [InlineData(8000, 70, 70)]
    public void TonesAndPausesLastWhatQ24AndTheRuleSay(int rate, int toneMs, int expectedGapMs)
    {
        const string keys = "159#";
        var generator = new DtmfToneGenerator(keys, rate, toneMs);
        var samples = Generate(generator, rate);
        var tone = rate / 1000 * toneMs;
        var period = tone + (rate / 1000 * expectedGapMs);

        Assert.Equal(expectedGapMs, generator.GapMilliseconds);
        Assert.Equal((long)period * keys.Length, generator.TotalSamples);
        Assert.True(samples.Length >= generator.TotalSamples);
        for (var k = 0; k < keys.Length; k++)
        {
            // Sound in every millisecond of the tone, exact silence in the pause.
            for (var ms = 0; ms < toneMs; ms++)
            {
                var slice = samples.AsSpan((k * period) + (ms * rate / 1000), rate / 1000);
                Assert.True(Peak(slice) > 300, $"key {k} is silent at {ms} ms");
            }

            Assert.All(samples.AsSpan((k * period) + tone, period - tone).ToArray(), s => Assert.Equal(0, s));
        }

        Assert.All(samples.AsSpan((int)generator.TotalSamples).ToArray(), s => Assert.Equal(0, s));
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void NothingClipsAndTheEdgesAreRampedNotClicked(int rate)
    {
        var samples = Generate(new DtmfToneGenerator(DtmfKeys.All, rate, 50, 40), rate);

        var expectedPeak = LowPeak + HighPeak;
        Assert.InRange(Peak(samples), expectedPeak * 0.97, expectedPeak + 1);
        Assert.True(Peak(samples) < 32767 * 0.72, "the pair peaks near -3 dBFS");

        // Each tone starts and ends near zero, and no step between samples exceeds what the two sines and the
        // ramp can make together.
        var period = rate / 1000 * 90;
        var tone = rate / 1000 * 50;
        for (var k = 0; k < DtmfKeys.All.Length; k++)
        {
            Assert.True(Math.Abs((int)samples[k * period]) < expectedPeak * 0.01, $"tone {k} starts with a step");
            Assert.True(Math.Abs((int)samples[(k * period) + tone - 1]) < expectedPeak * 0.01, $"tone {k} ends with a step");
        }

        var rampSamples = rate / 1000 * DtmfToneGenerator.RampMilliseconds;
        var maxStep = (2 * Math.PI * ((LowPeak * 941) + (HighPeak * 1633)) / rate) + (Math.PI / 2 / rampSamples * expectedPeak);
        for (var n = 1; n < samples.Length; n++)
        {
            Assert.True(Math.Abs(samples[n] - samples[n - 1]) <= maxStep + 2, $"a click at sample {n}");
        }
    }

    [Fact]
    public void FrameSizeDoesNotChangeTheSignal()
    {
        var whole = Generate(new DtmfToneGenerator("0A#", 16000), 16000);
        var odd = new short[whole.Length];
        var generator = new DtmfToneGenerator("0A#", 16000);
        var random = new Random(7);
        for (var at = 0; at < odd.Length;)
        {
            var length = Math.Min(random.Next(1, 500), odd.Length - at);
            generator.Fill(odd.AsSpan(at, length));
            at += length;
        }

        Assert.Equal(whole, odd);
    }

    [Fact]
    public void FillReportsTheEndOnTheFrameThatReachesIt()
    {
        // 2 × (100 + 100) ms = 400 ms = 20 frames.
        var generator = new DtmfToneGenerator("12", 8000);
        var frame = new short[AudioFrame.SamplesAt(8000)];
        var frames = 1;
        while (generator.Fill(frame))
        {
            frames++;
        }

        Assert.Equal(20, frames);
        Assert.True(generator.IsFinished);
        Assert.False(generator.Fill(frame));
        Assert.All(frame, s => Assert.Equal(0, s));
        generator.Restart();
        Assert.False(generator.IsFinished);
    }

    [Fact]
    public void MixIntoAddsAndSaturates()
    {
        var alone = new short[160];
        new DtmfToneGenerator("1", 8000).Fill(alone);
        var quiet = new short[160];
        Array.Fill(quiet, (short)100);
        new DtmfToneGenerator("1", 8000).MixInto(quiet);
        var loud = new short[160];
        Array.Fill(loud, (short)30000);
        new DtmfToneGenerator("1", 8000).MixInto(loud);

        for (var n = 0; n < 160; n++)
        {
            Assert.InRange(quiet[n], alone[n] + 99, alone[n] + 101);
            var expected = Math.Clamp(alone[n] + 30000, short.MinValue, short.MaxValue);
            Assert.InRange(loud[n], expected - 1, expected + 1);
        }

        Assert.Contains(loud, s => s == short.MaxValue);
    }

    [Theory]
    [InlineData("12x", 100, null, 8000, "'x' at position 3 is not a DTMF key")]
    [InlineData("1a", 100, null, 8000, "'a' at position 2 is not a DTMF key")]
    [InlineData("", 100, null, 8000, "1 to 64 keys, got 0")]
    [InlineData("1", 49, null, 8000, "50 to 1000 ms, got 49")]
    [InlineData("1", 1001, null, 8000, "50 to 1000 ms, got 1001")]
    [InlineData("1", 100, 39, 8000, "pause must be 40 to 1000 ms, got 39")]
    [InlineData("1", 100, null, 44100, "8000, 16000 or 48000 Hz, got 44100")]
    public void BadInputIsAnArgumentExceptionThatSaysWhat(string keys, int toneMs, int? gapMs, int rate, string message)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new DtmfToneGenerator(keys, rate, toneMs, gapMs));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SixtyFourKeysAreAcceptedAndSixtyFiveAreNot()
    {
        _ = new DtmfToneGenerator(new string('5', 64), 8000);

        var ex = Assert.Throws<ArgumentException>(() => new DtmfToneGenerator(new string('5', 65), 8000));
        Assert.Contains("1 to 64 keys, got 65", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FillingFramesAllocatesNothing()
    {
        var generator = new DtmfToneGenerator(new string('8', 64), 48000, 1000);
        var frame = new short[AudioFrame.SamplesAt(48000)];
        generator.Fill(frame);
        generator.MixInto(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            generator.Fill(frame);
            generator.MixInto(frame);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static short[] Generate(DtmfToneGenerator generator, int rate)
    {
        var frame = new short[AudioFrame.SamplesAt(rate)];
        var all = new List<short>();
        bool more;
        do
        {
            more = generator.Fill(frame);
            all.AddRange(frame);
        }
        while (more);

        return [.. all];
    }

    private static int Peak(ReadOnlySpan<short> samples)
    {
        var peak = 0;
        foreach (var s in samples)
        {
            peak = Math.Max(peak, Math.Abs((int)s));
        }

        return peak;
    }
}
