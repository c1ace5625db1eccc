using System.Globalization;
using System.Text;

namespace PhoneBridge.Rtc.Sdp;

/// <summary>
/// An SDP document (RFC 8866) as used by WebRTC (JSEP, RFC 8829). Everything parsed is kept in order, so unknown
/// lines and attributes survive a parse/write round trip; typed properties cover what audio negotiation needs.
/// </summary>
public sealed class SessionDescription : SdpAttributeList
{
    /// <summary>Upper bound on accepted SDP text; real audio SDPs are a few kB, so this only stops abuse.</summary>
    public const int MaxLength = 256 * 1024;

    public SdpOrigin Origin { get; set; } = new("-", 0, 0, "IN", "IP4", "127.0.0.1");

    public string SessionName { get; set; } = "-";

    /// <summary>Session-level non-attribute lines (<c>t=</c>, <c>c=</c>, <c>b=</c>, ...) in order.</summary>
    public List<SdpLine> Lines { get; } = [];

    public List<MediaDescription> Media { get; } = [];

    public bool IceLite => Has("ice-lite");

    /// <summary>The mids of the first <c>a=group:BUNDLE</c>, empty when there is none.</summary>
    public IReadOnlyList<string> BundleMids
    {
        get
        {
            foreach (var g in GetAll("group"))
            {
                var parts = g.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 0 && string.Equals(parts[0], "BUNDLE", StringComparison.OrdinalIgnoreCase))
                {
                    return parts[1..];
                }
            }

            return [];
        }
    }

    /// <summary>ICE ufrag of a section, falling back to the session level as JSEP allows.</summary>
    public string? IceUfragFor(MediaDescription m) => m.IceUfrag ?? IceUfrag;

    public string? IcePasswordFor(MediaDescription m) => m.IcePassword ?? IcePassword;

    public SdpFingerprint? FingerprintFor(MediaDescription m) => m.Fingerprint ?? Fingerprint;

    public SdpSetupRole? SetupFor(MediaDescription m) => m.Setup ?? Setup;

    public static SessionDescription Parse(string sdp) => SdpParser.Parse(sdp);

    public static bool TryParse(string sdp, out SessionDescription? description, out string? error)
    {
        try
        {
            description = SdpParser.Parse(sdp);
            error = null;
            return true;
        }
        catch (SdpParseException e)
        {
            description = null;
            error = e.Message;
            return false;
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder(2048);
        sb.Append("v=0\r\n");
        sb.Append("o=").Append(Origin.ToSdpValue()).Append("\r\n");
        sb.Append("s=").Append(SessionName).Append("\r\n");
        if (!Lines.Exists(l => l.Type == 't'))
        {
            sb.Append("t=0 0\r\n");
        }

        foreach (var line in Lines)
        {
            sb.Append(line.Type).Append('=').Append(line.Value).Append("\r\n");
        }

        foreach (var a in Attributes)
        {
            sb.Append("a=").Append(a.Name);
            if (a.Value is not null)
            {
                sb.Append(':').Append(a.Value);
            }

            sb.Append("\r\n");
        }

        foreach (var m in Media)
        {
            m.WriteTo(sb);
        }

        return sb.ToString();
    }
}

/// <summary><c>o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt; &lt;addrtype&gt; &lt;address&gt;</c>.</summary>
public sealed record SdpOrigin(string UserName, ulong SessionId, ulong SessionVersion, string NetType, string AddressType, string Address)
{
    public string ToSdpValue() => string.Create(
        CultureInfo.InvariantCulture, $"{UserName} {SessionId} {SessionVersion} {NetType} {AddressType} {Address}");

    internal static SdpOrigin? TryParse(string value)
    {
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 6
            || !ulong.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !ulong.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return null;
        }

        return new SdpOrigin(p[0], id, version, p[3], p[4], p[5]);
    }
}
