namespace PhoneBridge.Simulator.Audio;

/// <summary>
/// What an answering machine sends when it picks up: a long spoken greeting ("you have reached…"), a short pause and
/// the beep, then silence while it records. The greeting is speech-like (a voiced tone whose pitch wanders, in
/// syllables of about 200 ms with short gaps), so detectors that look for a long uninterrupted utterance hear one.
/// </summary>
public static class MachineGreeting
{
    /// <summary>The beep's frequency: answering machines commonly beep at about 1 kHz.</summary>
    public const double BeepHz = 1000;

    public static readonly TimeSpan DefaultGreeting = TimeSpan.FromSeconds(6);

    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    public static readonly TimeSpan Beep = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// PCM16 at <paramref name="sampleRate"/>: <paramref name="greeting"/> of greeting, <see cref="Pause"/>, a
    /// <see cref="Beep"/> at <see cref="BeepHz"/>, then <paramref name="after"/> of silence.
    /// </summary>
    public static short[] Pcm(int sampleRate, TimeSpan greeting, TimeSpan after = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 8000);
        ArgumentOutOfRangeException.ThrowIfLessThan(greeting, TimeSpan.Zero);
        var greetingSamples = Samples(greeting, sampleRate);
        var beepStart = greetingSamples + Samples(Pause, sampleRate);
        var beepEnd = beepStart + Samples(Beep, sampleRate);
        var pcm = new short[beepEnd + Samples(after, sampleRate)];

        var phase = 0.0;
        for (var i = 0; i < greetingSamples; i++)
        {
            var t = (double)i / sampleRate;
            var syllable = t % 0.25;
            // 200 ms voiced, 50 ms gap; a pitch that drifts 120-180 Hz like a speaking voice.
            var envelope = syllable < 0.2 ? Math.Sin(Math.PI * syllable / 0.2) : 0;
            var pitch = 150 + (30 * Math.Sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * pitch / sampleRate;
            var voiced = Math.Sin(phase) + (0.5 * Math.Sin(2 * phase)) + (0.25 * Math.Sin(3 * phase)) + (0.12 * Math.Sin(5 * phase));
            pcm[i] = (short)(6000 * envelope * voiced);
        }

        for (var i = beepStart; i < beepEnd; i++)
        {
            // 5 ms ramps keep the beep free of clicks.
            var ramp = Math.Min(1.0, Math.Min(i - beepStart, beepEnd - i) / (0.005 * sampleRate));
            pcm[i] = (short)(12000 * ramp * Math.Sin(2 * Math.PI * BeepHz * (i - beepStart) / sampleRate));
        }

        return pcm;
    }

    /// <summary>The same greeting as μ-law 8 kHz frames, for a Twilio media stream.</summary>
    public static CallerAudio CallerAudio(TimeSpan greeting, TimeSpan after = default) =>
        Audio.CallerAudio.FromPcm(Pcm(Audio.CallerAudio.SampleRate, greeting, after), Audio.CallerAudio.SampleRate);

    private static int Samples(TimeSpan duration, int sampleRate) => (int)(duration.TotalSeconds * sampleRate);
}
