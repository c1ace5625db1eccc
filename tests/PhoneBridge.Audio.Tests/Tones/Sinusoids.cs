namespace PhoneBridge.Audio.Tests.Tones;

/// <summary>
/// Measures audio independently of the code under test: a least-squares fit of sines at given frequencies
/// (straight from <see cref="Math.Sin"/>/<see cref="Math.Cos"/>), and the synthetic test signals.
/// </summary>
internal static class Sinusoids
{
    /// <summary>
    /// Fits <c>Σ aᵢ cos(2π fᵢ n / rate) + bᵢ sin(…)</c> to <paramref name="samples"/> and returns each frequency's
    /// amplitude and what the fit leaves unexplained, as a fraction of the signal's energy.
    /// </summary>
    public static (double[] Amplitudes, double ResidualShare) Fit(ReadOnlySpan<short> samples, int rate, params double[] hz)
    {
        var m = hz.Length * 2;
        var basis = new double[m][];
        for (var j = 0; j < hz.Length; j++)
        {
            basis[2 * j] = new double[samples.Length];
            basis[(2 * j) + 1] = new double[samples.Length];
            for (var n = 0; n < samples.Length; n++)
            {
                var phase = 2 * Math.PI * hz[j] * n / rate;
                basis[2 * j][n] = Math.Cos(phase);
                basis[(2 * j) + 1][n] = Math.Sin(phase);
            }
        }

        // Normal equations, solved by Gaussian elimination with partial pivoting.
        var a = new double[m, m + 1];
        for (var r = 0; r < m; r++)
        {
            for (var c = 0; c < m; c++)
            {
                a[r, c] = Dot(basis[r], basis[c]);
            }

            double rhs = 0;
            for (var n = 0; n < samples.Length; n++)
            {
                rhs += basis[r][n] * samples[n];
            }

            a[r, m] = rhs;
        }

        for (var p = 0; p < m; p++)
        {
            var pivot = p;
            for (var r = p + 1; r < m; r++)
            {
                if (Math.Abs(a[r, p]) > Math.Abs(a[pivot, p]))
                {
                    pivot = r;
                }
            }

            for (var c = 0; c <= m; c++)
            {
                (a[p, c], a[pivot, c]) = (a[pivot, c], a[p, c]);
            }

            for (var r = 0; r < m; r++)
            {
                if (r == p)
                {
                    continue;
                }

                var f = a[r, p] / a[p, p];
                for (var c = p; c <= m; c++)
                {
                    a[r, c] -= f * a[p, c];
                }
            }
        }

        var x = new double[m];
        for (var r = 0; r < m; r++)
        {
            x[r] = a[r, m] / a[r, r];
        }

        double energy = 0, residual = 0;
        for (var n = 0; n < samples.Length; n++)
        {
            double model = 0;
            for (var j = 0; j < m; j++)
            {
                model += x[j] * basis[j][n];
            }

            energy += (double)samples[n] * samples[n];
            residual += (samples[n] - model) * (samples[n] - model);
        }

        var amplitudes = new double[hz.Length];
        for (var j = 0; j < hz.Length; j++)
        {
            amplitudes[j] = Math.Sqrt((x[2 * j] * x[2 * j]) + (x[(2 * j) + 1] * x[(2 * j) + 1]));
        }

        return (amplitudes, residual / energy);
    }

    public static double Db(double ratio) => 20 * Math.Log10(ratio);

    /// <summary>A sum of sines (peak amplitudes in PCM16 units) for <paramref name="seconds"/>.</summary>
    public static short[] Tones(int rate, double seconds, params (double Hz, double Amplitude)[] tones)
    {
        var samples = new short[(int)(rate * seconds)];
        for (var n = 0; n < samples.Length; n++)
        {
            double v = 0;
            foreach (var (hz, amplitude) in tones)
            {
                v += amplitude * Math.Sin(2 * Math.PI * hz * n / rate);
            }

            samples[n] = (short)Math.Clamp(Math.Round(v), short.MinValue, short.MaxValue);
        }

        return samples;
    }

    /// <summary>Adds white Gaussian noise of RMS <paramref name="rms"/>, saturating.</summary>
    public static void AddNoise(short[] samples, double rms, int seed)
    {
        var random = new Random(seed);
        for (var n = 0; n < samples.Length; n++)
        {
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            samples[n] = (short)Math.Clamp(Math.Round(samples[n] + (rms * gaussian)), short.MinValue, short.MaxValue);
        }
    }

    /// <summary>Each sample through G.711 μ-law and back, as a phone call carries it.</summary>
    public static short[] ThroughMuLaw(short[] samples)
    {
        var codes = new byte[samples.Length];
        var decoded = new short[samples.Length];
        G711.MuLawEncode(samples, codes);
        G711.MuLawDecode(codes, decoded);
        return decoded;
    }

    private static double Dot(double[] x, double[] y)
    {
        double sum = 0;
        for (var n = 0; n < x.Length; n++)
        {
            sum += x[n] * y[n];
        }

        return sum;
    }
}
