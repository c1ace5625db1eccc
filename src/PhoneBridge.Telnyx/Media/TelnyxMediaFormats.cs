using PhoneBridge.Core.Phone;

namespace PhoneBridge.Telnyx.Media;

/// <summary>Maps Telnyx <c>media_format</c> values onto the formats the bridge carries.</summary>
internal static class TelnyxMediaFormats
{
    /// <summary>The format for <paramref name="encoding"/>/<paramref name="sampleRate"/>, or why it cannot be bridged.</summary>
    public static bool TryResolve(string? encoding, int sampleRate, int channels, out PhoneAudioFormat format, out string? problem)
    {
        format = default;
        problem = null;
        if (channels > 1)
        {
            problem = $"{channels} channels (mono only)";
            return false;
        }

        switch (encoding)
        {
            case "PCMU" when sampleRate is 8000 or <= 0:
                format = PhoneAudioFormat.MuLaw8k;
                return true;
            case "PCMA" when sampleRate is 8000 or <= 0:
                format = PhoneAudioFormat.ALaw8k;
                return true;
            case "L16" when sampleRate is 8000 or 16000:
                format = new PhoneAudioFormat(PhoneEncoding.L16, sampleRate);
                return true;
            case "L16" when sampleRate <= 0:
                format = PhoneAudioFormat.L16_16k;
                return true;
            default:
                problem = $"encoding {encoding ?? "(none)"} at {sampleRate} Hz";
                return false;
        }
    }
}
