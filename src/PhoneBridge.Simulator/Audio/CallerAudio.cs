using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;

namespace PhoneBridge.Simulator.Audio;

/// <summary>
/// What a simulated caller says: μ-law 8 kHz bytes cut into 20 ms (160-byte) frames. Immutable, so
/// many calls can share one instance; each call reads from its own start frame.
/// </summary>
public sealed class CallerAudio
{
    /// <summary>μ-law bytes in one 20 ms frame at 8 kHz.</summary>
    public const int FrameBytes = SampleRate / AudioFrame.PerSecond;

    public const int SampleRate = 8000;

    private readonly byte[] _muLaw;

    public CallerAudio(byte[] muLaw)
    {
        ArgumentNullException.ThrowIfNull(muLaw);
        if (muLaw.Length < FrameBytes)
        {
            throw new ArgumentException("Caller audio must hold at least one 20 ms frame.", nameof(muLaw));
        }

        // Whole frames only: Twilio sends fixed 20 ms chunks.
        _muLaw = muLaw.Length % FrameBytes == 0 ? muLaw : muLaw[..(muLaw.Length / FrameBytes * FrameBytes)];
    }

    public int FrameCount => _muLaw.Length / FrameBytes;

    public TimeSpan Duration => AudioFrame.DurationOf(FrameCount);

    /// <summary>Frame <paramref name="index"/>, wrapping around so a short clip can fill a long call.</summary>
    public ReadOnlySpan<byte> Frame(long index) =>
        _muLaw.AsSpan((int)(index % FrameCount) * FrameBytes, FrameBytes);

    /// <summary>Converts PCM16 at any rate to μ-law 8 kHz with the bridge's own resampler and codec.</summary>
    public static CallerAudio FromPcm(ReadOnlySpan<short> pcm, int sampleRate)
    {
        if (sampleRate is not (8000 or 16000 or 24000 or 48000))
        {
            // The bridge's resampler takes the telephony/WebRTC rates. Bring anything else (44.1 kHz
            // files, say) to 48 kHz by linear interpolation first: over the speech band that is nearly
            // exact, and the 48→8 kHz low-pass that follows removes the images interpolation leaves.
            return FromPcm(LinearTo48k(pcm, sampleRate), 48000);
        }

        short[] narrow;
        if (sampleRate == SampleRate)
        {
            narrow = pcm.ToArray();
        }
        else
        {
            var resampler = new StreamingResampler(sampleRate, SampleRate);
            // Feed the filter's delay worth of silence after the clip and drop as much from the front,
            // so the whole clip comes out, aligned with the original.
            var padded = new short[pcm.Length + resampler.DelayInputSamples + 1];
            pcm.CopyTo(padded);
            var output = new short[StreamingResampler.MaxOutputLength(sampleRate, SampleRate, padded.Length)];
            var written = resampler.Process(padded, output);
            var skip = Math.Min(resampler.DelaySamples, written);
            var length = Math.Min(written - skip, (int)((long)pcm.Length * SampleRate / sampleRate));
            narrow = output.AsSpan(skip, length).ToArray();
        }

        var codes = new byte[Math.Max(narrow.Length, FrameBytes)];
        codes.AsSpan().Fill(G711.MuLawSilence);
        G711.MuLawEncode(narrow, codes);
        return new CallerAudio(codes);
    }

    private static short[] LinearTo48k(ReadOnlySpan<short> pcm, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1000);
        var length = (int)((long)pcm.Length * 48000 / sampleRate);
        var output = new short[length];
        var step = (double)sampleRate / 48000;
        for (var i = 0; i < length; i++)
        {
            var position = i * step;
            var index = (int)position;
            var fraction = position - index;
            var a = pcm[Math.Min(index, pcm.Length - 1)];
            var b = pcm[Math.Min(index + 1, pcm.Length - 1)];
            output[i] = (short)Math.Round(a + ((b - a) * fraction));
        }

        return output;
    }

    public static CallerAudio FromWav(WavFile wav)
    {
        ArgumentNullException.ThrowIfNull(wav);
        return FromPcm(wav.Samples, wav.SampleRate);
    }

    /// <summary>
    /// A speech-band test signal: a slow 300–3000 Hz sweep plus seeded noise, so that every 20 ms frame
    /// differs from every other (round-trip latency is measured by matching frame contents).
    /// </summary>
    public static CallerAudio TestSignal(TimeSpan duration, int seed = 1)
    {
        var samples = (int)Math.Max(FrameBytes, duration.TotalSeconds * SampleRate);
        return FromPcm(Sweep(samples, 8000, 2000, seed), SampleRate);
    }

    /// <summary>
    /// For echoes through a lossy codec (<see cref="Measurement.MarkerMatcher"/>): the same sweep and noise at a
    /// sixth of the level, so the codec works on speech-like audio, with every <paramref name="periodFrames"/>-th
    /// frame replaced by a loud 1 kHz marker. The clip is whole periods long, so it wraps without breaking the rhythm.
    /// </summary>
    public static CallerAudio MarkerSignal(TimeSpan duration, int periodFrames, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periodFrames, 5);
        var frames = (long)Math.Ceiling(Math.Max(1, duration.TotalSeconds * AudioFrame.PerSecond) / periodFrames) * periodFrames;
        var pcm = Sweep((int)(frames * FrameBytes), 1200, 300, seed);
        for (long frame = 0; frame < frames; frame += periodFrames)
        {
            var start = (int)(frame * FrameBytes);
            for (var i = 0; i < FrameBytes; i++)
            {
                pcm[start + i] = (short)(16000 * Math.Sin(2 * Math.PI * 1000 * i / SampleRate));
            }
        }

        return FromPcm(pcm, SampleRate);
    }

    private static short[] Sweep(int samples, double toneLevel, double noiseLevel, int seed)
    {
        var pcm = new short[samples];
        var random = new Random(seed);
        const double Low = 300, High = 3000, SweepSeconds = 4;
        var phase = 0.0;
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / SampleRate % SweepSeconds / SweepSeconds;
            var frequency = Low + ((High - Low) * (t < 0.5 ? t * 2 : 2 - (t * 2)));
            phase += 2 * Math.PI * frequency / SampleRate;
            var tone = toneLevel * Math.Sin(phase);
            var noise = (random.NextDouble() - 0.5) * noiseLevel;
            pcm[i] = (short)Math.Clamp(tone + noise, short.MinValue, short.MaxValue);
        }

        return pcm;
    }

    /// <summary>The μ-law frames decoded back to PCM16 8 kHz (e.g. to write what was sent to a WAV).</summary>
    public WavFile ToWav()
    {
        var pcm = new short[_muLaw.Length];
        G711.MuLawDecode(_muLaw, pcm);
        return new WavFile(pcm, SampleRate);
    }
}
