namespace PhoneBridge.Rtc.Tests.Media;

/// <summary>Known signals and a lag-searching normalised cross-correlation used as the audio quality check.</summary>
internal static class TestSignal
{
    /// <summary>A 440 Hz tone plus a slow 300→1200 Hz chirp: periodic enough to survive a codec, aperiodic enough that a wrong lag scores low.</summary>
    public static short[] ToneAndChirp(int sampleRate, double seconds, double amplitude = 8000)
    {
        var n = (int)(sampleRate * seconds);
        var result = new short[n];
        for (var i = 0; i < n; i++)
        {
            var t = (double)i / sampleRate;
            var chirpPhase = 2 * Math.PI * ((300 * t) + (450 * t * t / seconds));
            var v = (0.5 * Math.Sin(2 * Math.PI * 440 * t)) + (0.5 * Math.Sin(chirpPhase));
            result[i] = (short)(amplitude * v);
        }

        return result;
    }

    public static short[] Tone(int sampleRate, double frequency, double seconds, double amplitude = 8000)
    {
        var n = (int)(sampleRate * seconds);
        var result = new short[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return result;
    }

    /// <summary>Highest normalised correlation of <paramref name="reference"/> against <paramref name="received"/> shifted by 0..maxLag.</summary>
    public static (double Correlation, int Lag) BestCorrelation(ReadOnlySpan<short> reference, ReadOnlySpan<short> received, int maxLag)
    {
        var best = (Correlation: double.MinValue, Lag: 0);
        for (var lag = 0; lag <= maxLag; lag++)
        {
            var n = Math.Min(reference.Length, received.Length - lag);
            if (n <= 0)
            {
                break;
            }

            double xy = 0, xx = 0, yy = 0;
            for (var i = 0; i < n; i++)
            {
                double x = reference[i];
                double y = received[i + lag];
                xy += x * y;
                xx += x * x;
                yy += y * y;
            }

            var c = xx > 0 && yy > 0 ? xy / Math.Sqrt(xx * yy) : 0;
            if (c > best.Correlation)
            {
                best = (c, lag);
            }
        }

        return best;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }
}
