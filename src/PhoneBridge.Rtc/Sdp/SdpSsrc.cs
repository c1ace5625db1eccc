using System.Globalization;

namespace PhoneBridge.Rtc.Sdp;

/// <summary><c>a=ssrc:&lt;ssrc&gt; &lt;attribute&gt;[:&lt;value&gt;]</c> (RFC 5576).</summary>
public sealed record SdpSsrc(uint Ssrc, string Attribute, string? Value)
{
    public string ToSdpValue() => Value is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Ssrc} {Attribute}")
        : string.Create(CultureInfo.InvariantCulture, $"{Ssrc} {Attribute}:{Value}");

    public static SdpSsrc? TryParse(string value)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var idText = space < 0 ? value : value[..space];
        if (!uint.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc))
        {
            return null;
        }

        if (space < 0)
        {
            return new SdpSsrc(ssrc, string.Empty, null);
        }

        var rest = value[(space + 1)..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? new SdpSsrc(ssrc, rest, null) : new SdpSsrc(ssrc, rest[..colon], rest[(colon + 1)..]);
    }
}
