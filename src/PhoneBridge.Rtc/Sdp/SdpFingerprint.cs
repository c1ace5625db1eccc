namespace PhoneBridge.Rtc.Sdp;

/// <summary><c>a=fingerprint:sha-256 AB:CD:...</c> (RFC 8122). Hex is normalised to upper case.</summary>
public sealed record SdpFingerprint(string Algorithm, string Value)
{
    public override string ToString() => $"{Algorithm} {Value}";

    public static bool TryParse(string text, out SdpFingerprint fingerprint)
    {
        fingerprint = null!;
        var parts = text.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[1].Length < 2)
        {
            return false;
        }

        foreach (var c in parts[1])
        {
            if (c != ':' && !char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        fingerprint = new SdpFingerprint(parts[0].ToLowerInvariant(), parts[1].ToUpperInvariant());
        return true;
    }
}
