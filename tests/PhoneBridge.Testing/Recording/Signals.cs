namespace PhoneBridge.Testing.Recording;

/// <summary>Known, distinct test signals and the correlation that tells them apart.</summary>
public static class Signals
{
    /// <summary>A sine of <paramref name="hz"/> starting at sample <paramref name="offset"/> of its own timeline.</summary>
    public static short[] Sine(double hz, int sampleRate, int samples, long offset = 0, double amplitude = 8000)
    {
        var result = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            result[i] = (short)(amplitude * Math.Sin(2 * Math.PI * hz * (offset + i) / sampleRate));
        }

        return result;
    }

    /// <summary>Pearson correlation of two equally long stretches; 0 when either is silent.</summary>
    public static double Correlation(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        var n = Math.Min(a.Length, b.Length);
        double meanA = 0, meanB = 0;
        for (var i = 0; i < n; i++)
        {
            meanA += a[i];
            meanB += b[i];
        }

        meanA /= n;
        meanB /= n;
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < n; i++)
        {
            var x = a[i] - meanA;
            var y = b[i] - meanB;
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }

        return aa == 0 || bb == 0 ? 0 : ab / Math.Sqrt(aa * bb);
    }

    /// <summary>
    /// The best correlation of <paramref name="signal"/> with any stretch of <paramref name="recorded"/> within
    /// <paramref name="maxLag"/> samples either side of <paramref name="at"/>.
    /// </summary>
    public static double BestCorrelation(short[] recorded, short[] signal, int at, int maxLag)
    {
        var best = 0.0;
        for (var lag = -maxLag; lag <= maxLag; lag++)
        {
            var start = at + lag;
            if (start < 0 || start + signal.Length > recorded.Length)
            {
                continue;
            }

            best = Math.Max(best, Correlation(recorded.AsSpan(start, signal.Length), signal));
        }

        return best;
    }

    /// <summary>
    /// Where in <paramref name="recorded"/> <paramref name="signal"/> fits best (the start index), searched from
    /// <paramref name="from"/> to <paramref name="to"/>, and how well.
    /// </summary>
    public static (int Index, double Correlation) Find(short[] recorded, short[] signal, int from = 0, int to = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(signal);
        var best = (Index: -1, Correlation: 0.0);
        for (var start = Math.Max(0, from); start <= Math.Min(to, recorded.Length - signal.Length); start++)
        {
            var correlation = Correlation(recorded.AsSpan(start, signal.Length), signal);
            if (correlation > best.Correlation)
            {
                best = (start, correlation);
            }
        }

        return best;
    }

    /// <summary>Seeded white noise: a signal whose every stretch is unlike every other, so it can be found by correlation.</summary>
    public static short[] Noise(int samples, int seed, double amplitude = 6000)
    {
        var random = new Random(seed);
        var result = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            result[i] = (short)(amplitude * ((random.NextDouble() * 2) - 1));
        }

        return result;
    }
}
