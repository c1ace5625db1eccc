namespace PhoneBridge.Rtc.Media;

/// <summary>RFC 6464 client-to-mixer audio level: 0 = 0 dBov (loudest) … 127 = −127 dBov (silence).</summary>
public static class AudioLevel
{
    public const byte Silence = 127;

    public static byte Compute(ReadOnlySpan<short> pcm)
    {
        if (pcm.IsEmpty)
        {
            return Silence;
        }

        double sum = 0;
        foreach (var s in pcm)
        {
            sum += (double)s * s;
        }

        var rms = Math.Sqrt(sum / pcm.Length) / 32768.0;
        if (rms <= 0)
        {
            return Silence;
        }

        var dbov = -20 * Math.Log10(rms);
        return (byte)Math.Clamp((int)Math.Round(dbov), 0, Silence);
    }

    /// <summary>Whether a level counts as voice for the extension's V flag (a simple threshold at −50 dBov).</summary>
    public static bool IsVoice(byte level) => level < 50;
}
