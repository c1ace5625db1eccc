using System.Numerics;
using System.Runtime.InteropServices;

namespace PhoneBridge.Simulator.Audio;

/// <summary>
/// Rational-ratio PCM16 resampler between the bridge's rates (8, 16 and 48 kHz, either direction):
/// a polyphase linear-phase FIR low-pass (Kaiser-windowed sinc) whose state carries across calls, so
/// feeding 20 ms frames gives exactly what one long call would.
/// </summary>
/// <remarks>
/// The stopband starts at the lower rate's Nyquist frequency, so nothing above it aliases when
/// decimating and no image survives when interpolating; the passband keeps the telephone band flat.
/// The filter length is chosen from the lower rate only, which puts the delay near 3.6 ms at 8 kHz
/// and 1.8 ms at 16 kHz on both paths; a streaming block resampler would hold back tens of ms instead.
/// Not thread-safe: one instance per direction per call.
/// </remarks>
public sealed class StreamingResampler
{
    /// <summary>Stopband attenuation the filter is designed for.</summary>
    public const double StopbandAttenuationDb = 70;

    // Transition band as a fraction of the lower rate: at 8 kHz the response is flat to 3.4 kHz and
    // fully down at 4 kHz.
    private const double TransitionFraction = 0.075;

    // Input is processed in pieces of at most this many samples so the work buffer is fixed.
    private const int ChunkSamples = 960;

    private readonly int _up;
    private readonly int _down;
    private readonly int _tapsPerPhase;
    private readonly float[] _coefficients;
    private readonly float[] _work;
    private int _next;

    public StreamingResampler(int inRate, int outRate)
    {
        ValidateRate(inRate, nameof(inRate));
        ValidateRate(outRate, nameof(outRate));
        InRate = inRate;
        OutRate = outRate;

        var gcd = Gcd(inRate, outRate);
        _up = outRate / gcd;
        _down = inRate / gcd;

        if (inRate == outRate)
        {
            _tapsPerPhase = 1;
            _coefficients = [1f];
            _work = [];
            return;
        }

        var lowRate = Math.Min(inRate, outRate);
        var upRate = (double)inRate * _up;
        var transitionHz = TransitionFraction * lowRate;
        var cutoffHz = (lowRate / 2.0) - (transitionHz / 2);

        // Kaiser's estimate of the length for the attenuation and transition width, rounded so the
        // centre tap sits on a whole number of both input and output samples.
        var estimate = (StopbandAttenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionHz / upRate);
        var grid = _up * _down;
        var center = (int)Math.Ceiling(estimate / 2 / grid) * grid;
        var length = (2 * center) + 1;

        DelaySamples = center / _down;
        DelayInputSamples = center / _up;
        // Whole SIMD vectors per branch: the extra taps are zeros on the oldest side, so the output
        // is unchanged and the dot product has no scalar tail.
        var lanes = Vector<float>.Count;
        _tapsPerPhase = (((length + _up - 1) / _up) + lanes - 1) / lanes * lanes;
        _coefficients = BuildPolyphase(Design(length, center, cutoffHz / upRate, _up), _up, _tapsPerPhase);
        _work = new float[_tapsPerPhase - 1 + ChunkSamples];
    }

    public int InRate { get; }

    public int OutRate { get; }

    /// <summary>Group delay in output samples (the filter is linear-phase, so every frequency sees it).</summary>
    public int DelaySamples { get; }

    /// <summary>The same delay in input samples.</summary>
    public int DelayInputSamples { get; }

    /// <summary>Group delay as time.</summary>
    public TimeSpan Delay => TimeSpan.FromSeconds((double)DelaySamples / OutRate);

    /// <summary>Most samples one <see cref="Process"/> call can write for <paramref name="inputLength"/> input samples.</summary>
    public static int MaxOutputLength(int inRate, int outRate, int inputLength)
    {
        ValidateRate(inRate, nameof(inRate));
        ValidateRate(outRate, nameof(outRate));
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        var gcd = Gcd(inRate, outRate);
        var up = outRate / gcd;
        var down = inRate / gcd;
        return (int)((((long)inputLength * up) + down - 1) / down);
    }

    /// <summary>
    /// Resamples <paramref name="input"/>, continuing from the previous call, and returns the number of
    /// samples written to <paramref name="output"/>, which must hold <see cref="MaxOutputLength"/> samples.
    /// </summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        var max = MaxOutputLength(InRate, OutRate, input.Length);
        if (output.Length < max)
        {
            throw new ArgumentException($"Output holds {output.Length} samples but up to {max} may be written.", nameof(output));
        }

        if (_work.Length == 0)
        {
            input.CopyTo(output);
            return input.Length;
        }

        var written = 0;
        while (!input.IsEmpty)
        {
            var chunk = input[..Math.Min(input.Length, ChunkSamples)];
            written += ProcessChunk(chunk, output[written..]);
            input = input[chunk.Length..];
        }

        return written;
    }

    /// <summary>Forgets the history, as if newly constructed (e.g. after a barge-in clear).</summary>
    public void Reset()
    {
        Array.Clear(_work);
        _next = 0;
    }

    private int ProcessChunk(ReadOnlySpan<short> chunk, Span<short> output)
    {
        var history = _tapsPerPhase - 1;
        var work = _work.AsSpan();
        for (var i = 0; i < chunk.Length; i++)
        {
            work[history + i] = chunk[i];
        }

        // Output n sits at position _next on the upsampled grid (relative to this chunk); the newest
        // input it may use is _next / up, and the polyphase branch is _next % up.
        var limit = chunk.Length * _up;
        var count = 0;
        var position = _next;
        var coefficients = _coefficients.AsSpan();
        while (position < limit)
        {
            var index = position / _up;
            var phase = position - (index * _up);
            var sum = Dot(coefficients.Slice(phase * _tapsPerPhase, _tapsPerPhase), work.Slice(index, _tapsPerPhase));
            output[count++] = Saturate(sum);
            position += _down;
        }

        _next = position - limit;
        work.Slice(chunk.Length, history).CopyTo(work);
        return count;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var i = 0;
        var sum = 0f;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (var v = 0; v < va.Length; v++)
            {
                acc += va[v] * vb[v];
            }

            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static short Saturate(float value)
    {
        var rounded = MathF.Round(value);
        return rounded >= short.MaxValue ? short.MaxValue
            : rounded <= short.MinValue ? short.MinValue
            : (short)rounded;
    }

    // Windowed-sinc low-pass at cutoff (fraction of the upsampled rate), scaled so each polyphase
    // branch has unity gain at DC.
    private static double[] Design(int length, int center, double cutoff, int up)
    {
        var beta = KaiserBeta(StopbandAttenuationDb);
        var i0Beta = BesselI0(beta);
        var h = new double[length];
        for (var n = 0; n < length; n++)
        {
            var m = n - center;
            var x = 2 * cutoff * m;
            var sinc = m == 0 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
            var r = (double)m / center;
            var window = BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - (r * r)))) / i0Beta;
            h[n] = 2 * cutoff * sinc * window;
        }

        var sum = 0.0;
        foreach (var value in h)
        {
            sum += value;
        }

        for (var n = 0; n < length; n++)
        {
            h[n] *= up / sum;
        }

        return h;
    }

    // Phase p, tap j holds h[(K-1-j)*up + p]: reversed so each output is a dot product with a
    // contiguous window of history ending at the newest input.
    private static float[] BuildPolyphase(double[] h, int up, int tapsPerPhase)
    {
        var coefficients = new float[up * tapsPerPhase];
        for (var p = 0; p < up; p++)
        {
            for (var j = 0; j < tapsPerPhase; j++)
            {
                var n = ((tapsPerPhase - 1 - j) * up) + p;
                coefficients[(p * tapsPerPhase) + j] = n < h.Length ? (float)h[n] : 0f;
            }
        }

        return coefficients;
    }

    private static double KaiserBeta(double attenuationDb) =>
        attenuationDb > 50 ? 0.1102 * (attenuationDb - 8.7)
        : attenuationDb >= 21 ? (0.5842 * Math.Pow(attenuationDb - 21, 0.4)) + (0.07886 * (attenuationDb - 21))
        : 0;

    private static double BesselI0(double x)
    {
        var sum = 1.0;
        var term = 1.0;
        var half = x / 2;
        for (var k = 1; k < 64; k++)
        {
            term *= half / k;
            var squared = term * term;
            sum += squared;
            if (squared < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    private static void ValidateRate(int rate, string name)
    {
        if (rate is not (8000 or 16000 or 24000 or 48000))
        {
            throw new ArgumentOutOfRangeException(name, rate, "Supported rates are 8000, 16000, 24000 and 48000 Hz.");
        }
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
