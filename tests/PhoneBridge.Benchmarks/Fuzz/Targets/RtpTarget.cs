using PhoneBridge.Rtc.Media;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Decrypted RTP through <see cref="RtpAudioPacket.TryParse"/>, the receive path's parser (CSRCs, padding, one- and
/// two-byte header extensions). It answers false, never throws.
/// </summary>
internal static class RtpTarget
{
    public static FuzzTarget Create() =>
        new("rtp", "RtpAudioPacket.TryParse (extensions, CSRCs, padding)", RtpSeeds.Rtp(), Run, 2048, Text: false);

    private static void Run(ReadOnlySpan<byte> packet)
    {
        if (RtpAudioPacket.TryParse(packet, 1, out var audio))
        {
            _ = audio.Payload.Length + audio.AudioLevel;
        }
    }
}
