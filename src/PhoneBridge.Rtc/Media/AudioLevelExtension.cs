namespace PhoneBridge.Rtc.Media;

/// <summary>
/// The client-to-mixer audio level header extension (RFC 6464, <c>urn:ietf:params:rtp-hdrext:ssrc-audio-level</c>):
/// one byte, V flag then the level in -dBov (0 loudest, 127 silence).
/// </summary>
public static class AudioLevelExtension
{
    public const string Uri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public const int Silence = 127;

    public static byte Encode(int levelDbov, bool voiceActivity) =>
        (byte)((voiceActivity ? 0x80 : 0) | Math.Clamp(levelDbov, 0, Silence));

    public static (int LevelDbov, bool VoiceActivity) Decode(byte value) => (value & 0x7F, (value & 0x80) != 0);

    /// <summary>
    /// Level of 16-bit PCM in -dBov: RMS relative to a full-scale square wave (RFC 6464 §3), rounded and clamped.
    /// </summary>
    public static int Measure(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return Silence;
        }

        double sum = 0;
        foreach (short s in samples)
        {
            sum += (double)s * s;
        }

        double rms = Math.Sqrt(sum / samples.Length) / 32768.0;
        if (rms <= 0)
        {
            return Silence;
        }

        double dbov = -20 * Math.Log10(rms);
        return (int)Math.Clamp(Math.Round(dbov), 0, Silence);
    }
}
