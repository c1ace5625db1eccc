using System.Globalization;

namespace PhoneBridge.Rtc.Sdp;

/// <summary><c>a=extmap:&lt;id&gt;[/&lt;direction&gt;] &lt;uri&gt;</c> (RFC 8285).</summary>
public sealed record SdpExtmap(int Id, string Uri, string? Direction = null)
{
    public const string AudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public const string SdesMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";

    public string ToSdpValue() => Direction is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Id} {Uri}")
        : string.Create(CultureInfo.InvariantCulture, $"{Id}/{Direction} {Uri}");

    public static bool TryParse(string value, out SdpExtmap extmap)
    {
        extmap = null!;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            return false;
        }

        var idPart = parts[0];
        string? direction = null;
        var slash = idPart.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            direction = idPart[(slash + 1)..];
            idPart = idPart[..slash];
        }

        if (!int.TryParse(idPart, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id is < 1 or > 255)
        {
            return false;
        }

        extmap = new SdpExtmap(id, parts[1], direction);
        return true;
    }
}
