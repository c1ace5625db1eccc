using System.Text;

namespace PhoneBridge.Stream.Sfu;

/// <summary>Quirks of SFU offers that strict SDP parsers trip over.</summary>
public static class SfuSdpFixes
{
    /// <summary>
    /// <c>a=msid-semantic:WMS*</c> → <c>a=msid-semantic: WMS *</c>, and trailing blanks removed from
    /// <c>a=rtcp-fb:</c> lines (the SFU's WebRTC stack emits <c>goog-remb </c>).
    /// </summary>
    public static string Normalize(string sdp)
    {
        var builder = new StringBuilder(sdp.Length + 8);
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("a=msid-semantic:", StringComparison.Ordinal))
            {
                var value = line["a=msid-semantic:".Length..].Trim();
                if (value.StartsWith("WMS", StringComparison.Ordinal))
                {
                    var ids = value[3..].Trim();
                    line = ids.Length == 0 ? "a=msid-semantic: WMS" : "a=msid-semantic: WMS " + ids;
                }
            }
            else if (line.StartsWith("a=rtcp-fb:", StringComparison.Ordinal))
            {
                line = line.TrimEnd();
            }

            builder.Append(line).Append("\r\n");
        }

        return builder.ToString();
    }
}
