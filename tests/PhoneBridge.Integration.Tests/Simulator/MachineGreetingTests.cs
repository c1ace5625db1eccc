using PhoneBridge.Simulator.Audio;

namespace PhoneBridge.Integration.Tests.Simulator;

/// <summary>What the simulated answering machine sends: a long voiced greeting, a pause, a 1 kHz beep, then silence.</summary>
public sealed class MachineGreetingTests
{
    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public void The_greeting_is_speech_band_audio_and_the_beep_a_1khz_tone_after_it(int rate)
    {
        var greeting = TimeSpan.FromSeconds(3);
        var pcm = MachineGreeting.Pcm(rate, greeting, after: TimeSpan.FromSeconds(1));

        var beepStart = (int)((greeting + MachineGreeting.Pause).TotalSeconds * rate);
        var beepLength = (int)(MachineGreeting.Beep.TotalSeconds * rate);
        Assert.Equal(beepStart + beepLength + rate, pcm.Length);

        // Every 250 ms syllable of the greeting is voiced, and at a voice's pitch, not the beep's.
        for (var start = 0; start + (rate / 5) <= (int)(greeting.TotalSeconds * rate); start += rate / 4)
        {
            var syllable = pcm.AsSpan(start, rate / 5);
            Assert.True(Rms(syllable) > 1000, $"syllable at {start} is silent");
            Assert.True(Power(syllable, MachineGreeting.BeepHz, rate) < 0.05 * Rms(syllable) * Rms(syllable), $"syllable at {start} sounds like the beep");
        }

        var beep = pcm.AsSpan(beepStart + (rate / 100), beepLength - (rate / 50));
        Assert.True(Power(beep, MachineGreeting.BeepHz, rate) > 0.9 * Rms(beep) * Rms(beep), "the beep is not a 1 kHz tone");
        Assert.True(Rms(pcm.AsSpan(beepStart - (rate / 5), rate / 5)) == 0, "the pause before the beep is not silent");
        Assert.True(Rms(pcm.AsSpan(beepStart + beepLength)) == 0, "the machine is not silent after the beep");
    }

    [Fact]
    public void The_twilio_form_is_the_same_greeting_in_whole_mulaw_frames()
    {
        var audio = MachineGreeting.CallerAudio(TimeSpan.FromSeconds(2));

        Assert.Equal((2.0 + MachineGreeting.Pause.TotalSeconds + MachineGreeting.Beep.TotalSeconds) * 50, audio.FrameCount, 1.0);
    }

    private static double Rms(ReadOnlySpan<short> samples)
    {
        var sum = 0.0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Mean power of the component at <paramref name="hz"/> (a single-bin DFT), comparable to the RMS squared.</summary>
    private static double Power(ReadOnlySpan<short> samples, double hz, int rate)
    {
        var (re, im) = (0.0, 0.0);
        for (var i = 0; i < samples.Length; i++)
        {
            var angle = 2 * Math.PI * hz * i / rate;
            re += samples[i] * Math.Cos(angle);
            im += samples[i] * Math.Sin(angle);
        }

        return 2 * ((re * re) + (im * im)) / ((double)samples.Length * samples.Length);
    }
}
