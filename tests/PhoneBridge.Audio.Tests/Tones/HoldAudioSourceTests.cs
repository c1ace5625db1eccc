using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Audio.Tests.Tones;

public class HoldAudioSourceTests
{
    public static TheoryData<int> Rates => [8000, 16000, 48000];

    [Theory]
    [MemberData(nameof(Rates))]
    public void TheChimeIsAQuietDyadForThreeHundredMillisecondsEveryTwoSeconds(int rate)
    {
        var audio = Play(HoldAudioSource.Chime(rate), rate, seconds: 4);
        var period = rate * 2;
        var sounding = rate * 3 / 10;

        // Clearly not silence, never above -20 dBFS.
        var peak = audio.Max(s => Math.Abs((int)s));
        Assert.InRange(peak, 32767 * 0.07, 32767 * 0.1 + 1);
        var rms = Math.Sqrt(audio.AsSpan(0, sounding).ToArray().Average(s => (double)s * s));
        Assert.True(rms > 32767 * 0.02, $"rms {rms:0}");

        // 440 and 554.37 Hz in equal measure and nothing else (past the attack, before the release).
        var steady = audio.AsSpan(rate / 50, rate / 8);
        var (amplitudes, residual) = Sinusoids.Fit(steady, rate, 440, 554.37);
        Assert.InRange(Sinusoids.Db(amplitudes[0] / amplitudes[1]), -0.1, 0.1);
        Assert.True(residual < 1e-4, $"{10 * Math.Log10(residual):0.0} dB left after fitting the dyad");

        // Silence between chimes, and the second period is the first again.
        Assert.All(audio.AsSpan(sounding, period - sounding).ToArray(), s => Assert.Equal(0, s));
        Assert.Equal(audio.AsSpan(0, period).ToArray(), audio.AsSpan(period, period).ToArray());

        // Ramped in and out: the first and last samples are near zero.
        Assert.True(Math.Abs((int)audio[0]) < 50 && Math.Abs((int)audio[sounding - 1]) < 50);
    }

    [Fact]
    public void AGivenBufferLoopsSeamlesslyWhateverTheFrameSize()
    {
        // 333 samples: not a whole number of 160-sample frames, so frames straddle the loop point.
        var loop = new short[333];
        for (var i = 0; i < loop.Length; i++)
        {
            loop[i] = (short)(i + 1);
        }

        var source = new HoldAudioSource(loop);
        var frame = new short[AudioFrame.SamplesAt(8000)];
        var played = new List<short>();
        for (var f = 0; f < 10; f++)
        {
            source.Fill(frame);
            played.AddRange(frame);
        }

        for (var n = 0; n < played.Count; n++)
        {
            Assert.Equal(loop[n % loop.Length], played[n]);
        }

        source.Restart();
        source.Fill(frame);
        Assert.Equal(1, frame[0]);
        Assert.Equal(333, source.LoopSamples);
    }

    [Fact]
    public void ABufferShorterThanAFrameStillFillsIt()
    {
        var source = new HoldAudioSource(new short[] { 5, -5 });
        var frame = new short[7];

        source.Fill(frame);

        Assert.Equal(new short[] { 5, -5, 5, -5, 5, -5, 5 }, frame);
    }

    [Fact]
    public void BadInputIsAnArgumentException()
    {
        Assert.Contains("at least one sample", Assert.Throws<ArgumentException>(() => new HoldAudioSource(ReadOnlyMemory<short>.Empty)).Message, StringComparison.Ordinal);
        Assert.Contains("got 44100", Assert.Throws<ArgumentException>(() => HoldAudioSource.Chime(44100)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void FillingFramesAllocatesNothing(int rate)
    {
        var source = HoldAudioSource.Chime(rate);
        var frame = new short[AudioFrame.SamplesAt(rate)];
        source.Fill(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            source.Fill(frame);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static short[] Play(HoldAudioSource source, int rate, int seconds)
    {
        var frame = new short[AudioFrame.SamplesAt(rate)];
        var audio = new short[rate * seconds];
        for (var at = 0; at < audio.Length; at += frame.Length)
        {
            source.Fill(frame);
            frame.CopyTo(audio, at);
        }

        return audio;
    }
}
