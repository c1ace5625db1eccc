using System.Globalization;

namespace PhoneBridge.Rtc.Sdp;

/// <summary>One payload format of an m-line with its <c>rtpmap</c>, <c>fmtp</c> and <c>rtcp-fb</c> lines merged.</summary>
public sealed record RtpCodec(int PayloadType, string Name, int ClockRate, int Channels, string? Fmtp, IReadOnlyList<string> RtcpFeedback)
{
    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    public bool IsOpus => Is("opus");

    /// <summary><c>fmtp</c> as key/value pairs; a value-less token (RED's <c>111/111</c>) maps to an empty string.</summary>
    public IReadOnlyDictionary<string, string> Parameters => ParseParameters(Fmtp);

    public string? Parameter(string key) => Parameters.TryGetValue(key, out var v) ? v : null;

    public string RtpMapValue => Channels > 1
        ? string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {Name}/{ClockRate}/{Channels}")
        : string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {Name}/{ClockRate}");

    internal static IReadOnlyDictionary<string, string> ParseParameters(string? fmtp)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(fmtp))
        {
            return result;
        }

        foreach (var part in fmtp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                result[part] = string.Empty;
            }
            else
            {
                result[part[..eq].Trim()] = part[(eq + 1)..].Trim();
            }
        }

        return result;
    }

    /// <summary>RFC 3551 static payload types that may appear without an <c>rtpmap</c>.</summary>
    internal static RtpCodec? Static(int payloadType) => payloadType switch
    {
        0 => new RtpCodec(0, "PCMU", 8000, 1, null, []),
        8 => new RtpCodec(8, "PCMA", 8000, 1, null, []),
        9 => new RtpCodec(9, "G722", 8000, 1, null, []),
        13 => new RtpCodec(13, "CN", 8000, 1, null, []),
        _ => null,
    };
}
