namespace PhoneBridge.Telnyx.Tests.EndToEnd;

/// <summary>Compares what came back with what was sent, whatever the delay in between.</summary>
internal static class AudioQuality
{
    /// <summary>A deterministic noise-like signal: any reordering or loss of 20 ms pieces destroys its correlation.</summary>
    public static short[] Signal(int sampleRate, TimeSpan duration, int amplitude = 8000)
    {
        var samples = new short[(int)(sampleRate * duration.TotalSeconds)];
        var state = 12345u;
        var previous = 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            state = (state * 1664525u) + 1013904223u;
            var white = ((state >> 8) / (double)(1 << 24)) - 0.5;

            // Mildly low-passed so it resembles speech energy rather than pure white noise.
            previous = (0.6 * previous) + (0.4 * white);
            samples[i] = (short)Math.Clamp(previous * 2 * amplitude * 2.5, short.MinValue, short.MaxValue);
        }

        return samples;
    }

    /// <summary>
    /// The lag (in samples, received after sent) with the highest normalised correlation, the correlation there and
    /// the signal-to-noise ratio of the aligned overlap in dB.
    /// </summary>
    public static (int Lag, double Correlation, double SnrDb) Compare(short[] sent, short[] received, int maxLag)
    {
        var best = (Lag: 0, Correlation: double.MinValue);
        for (var lag = 0; lag <= Math.Min(maxLag, received.Length - 1); lag++)
        {
            var c = Correlation(sent, received, lag);
            if (c > best.Correlation)
            {
                best = (lag, c);
            }
        }

        return (best.Lag, best.Correlation, Snr(sent, received, best.Lag));
    }

    private static double Correlation(short[] sent, short[] received, int lag)
    {
        double dot = 0, es = 0, er = 0;
        var n = Math.Min(sent.Length, received.Length - lag);
        for (var i = 0; i < n; i++)
        {
            double s = sent[i], r = received[i + lag];
            dot += s * r;
            es += s * s;
            er += r * r;
        }

        return es == 0 || er == 0 ? 0 : dot / Math.Sqrt(es * er);
    }

    private static double Snr(short[] sent, short[] received, int lag)
    {
        double signal = 0, noise = 0;
        var n = Math.Min(sent.Length, received.Length - lag);
        for (var i = 0; i < n; i++)
        {
            double s = sent[i], r = received[i + lag];

            // Only where audio came back: frames lost before the bridge went live are silence, not distortion.
            if (r == 0 && Math.Abs(s) > 64)
            {
                continue;
            }

            signal += s * s;
            noise += (s - r) * (s - r);
        }

        return noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
    }
}
