using System.Globalization;

namespace PhoneBridge.Testing.Stream;

/// <summary>How faithfully a window of received audio carries a known looping test signal.</summary>
internal static class AudioQuality
{
    /// <summary>440 Hz tone + 300→1200 Hz chirp over <paramref name="seconds"/> (the aiortc agent's "tone" is the same at 48 kHz).</summary>
    public static short[] ToneAndChirp(int sampleRate, double seconds, double amplitude = 8000)
    {
        var n = (int)(sampleRate * seconds);
        var result = new short[n];
        for (var i = 0; i < n; i++)
        {
            var t = (double)i / sampleRate;
            var chirpPhase = 2 * Math.PI * ((300 * t) + (450 * t * t / seconds));
            result[i] = (short)(amplitude * ((0.5 * Math.Sin(2 * Math.PI * 440 * t)) + (0.5 * Math.Sin(chirpPhase))));
        }

        return result;
    }

    /// <summary>
    /// A second, distinguishable voice: 660 Hz tone + 1100→350 Hz falling chirp over <paramref name="seconds"/>, for
    /// telling two phones in one call apart (its 200 ms chunks correlate poorly with <see cref="ToneAndChirp"/>).
    /// </summary>
    public static short[] ToneAndFallingChirp(int sampleRate, double seconds, double amplitude = 8000)
    {
        var n = (int)(sampleRate * seconds);
        var result = new short[n];
        for (var i = 0; i < n; i++)
        {
            var t = (double)i / sampleRate;
            var chirpPhase = 2 * Math.PI * ((1100 * t) - (375 * t * t / seconds));
            result[i] = (short)(amplitude * ((0.5 * Math.Sin(2 * Math.PI * 660 * t)) + (0.5 * Math.Sin(chirpPhase))));
        }

        return result;
    }

    /// <summary>
    /// Splits <paramref name="received"/> into 200 ms chunks and finds, for each, the best normalised correlation with
    /// the looping <paramref name="signal"/> at any offset (the path's delay is unknown). The median over a window of
    /// seconds is robust to one scheduling glitch on a loaded machine while a broken path scores near zero.
    /// </summary>
    public static Measurement Measure(short[] received, short[] signal, int rate)
    {
        var chunk = rate / 5;
        var looped = signal.Concat(signal).ToArray();
        var correlations = new List<double>();
        for (var start = 0; start + chunk <= received.Length; start += chunk)
        {
            correlations.Add(BestCorrelation(received.AsSpan(start, chunk), looped, signal.Length));
        }

        correlations.Sort();
        var median = correlations.Count == 0 ? 0 : correlations[correlations.Count / 2];
        return new Measurement(median, correlations.Count, Rms(received) / Rms(signal));
    }

    /// <summary>Carries the signal: most 200 ms chunks correlate above 0.8 at a level within 0.3-3x of what was sent.</summary>
    public static bool IsGood(Measurement m) => m.MedianCorrelation > 0.8 && m.LevelRatio is > 0.3 and < 3;

    /// <summary>Box-filter decimation; the test signal stays below 1.3 kHz, so this is enough to compare at 8 kHz.</summary>
    public static short[] Decimate(short[] samples, int factor)
    {
        var result = new short[samples.Length / factor];
        for (var i = 0; i < result.Length; i++)
        {
            var sum = 0;
            for (var k = 0; k < factor; k++)
            {
                sum += samples[(i * factor) + k];
            }

            result[i] = (short)(sum / factor);
        }

        return result;
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return samples.IsEmpty ? 0 : Math.Sqrt(sum / samples.Length);
    }

    private static double BestCorrelation(ReadOnlySpan<short> chunk, ReadOnlySpan<short> reference, int maxLag)
    {
        var best = 0.0;
        double yy = 0;
        foreach (var s in chunk)
        {
            yy += (double)s * s;
        }

        for (var lag = 0; lag <= maxLag && lag + chunk.Length <= reference.Length; lag++)
        {
            double xy = 0, xx = 0;
            for (var i = 0; i < chunk.Length; i++)
            {
                double x = reference[lag + i];
                xy += x * chunk[i];
                xx += x * x;
            }

            var c = xx > 0 && yy > 0 ? xy / Math.Sqrt(xx * yy) : 0;
            best = Math.Max(best, c);
        }

        return best;
    }

    public readonly record struct Measurement(double MedianCorrelation, int Chunks, double LevelRatio)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"median correlation {MedianCorrelation:F3} over {Chunks} chunks, level ratio {LevelRatio:F2}");
    }
}
