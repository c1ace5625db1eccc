using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Rtp;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Decrypted RTP through <see cref="RtpAudioPacket.TryParse"/> (the production receive path) and the general
/// <see cref="RtpPacket"/> parser with its extension and CSRC accessors. Both answer false, never throw.
/// </summary>
internal static class RtpTarget
{
    public static FuzzTarget Create() =>
        new("rtp", "RtpAudioPacket.TryParse + RtpPacket (extensions, CSRCs)", RtpSeeds.Rtp(), Run, 2048, Text: false);

    private static void Run(ReadOnlySpan<byte> packet)
    {
        if (RtpAudioPacket.TryParse(packet, 1, out var audio))
        {
            _ = audio.Payload.Length + audio.AudioLevel;
        }

        if (!RtpPacket.TryParse(packet, out var rtp))
        {
            return;
        }

        foreach (var extension in rtp.Extensions)
        {
            _ = extension.Data.Length;
        }

        for (int i = 0; i < rtp.CsrcCount; i++)
        {
            _ = rtp.GetCsrc(i);
        }

        rtp.TryGetExtension(1, out _);
        _ = rtp.Payload.Length + rtp.ExtensionProfile;
    }
}
