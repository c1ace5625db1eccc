using System.Globalization;
using System.Net;
using System.Text;
using PhoneBridge.Rtc.Transport;

namespace PhoneBridge.Rtc.Ice;

/// <summary>
/// An ICE candidate as carried in SDP <c>a=candidate</c> lines and trickled RTCIceCandidateInit strings
/// (RFC 8839 §5.1). <see cref="Address"/> is kept as text because browsers may send mDNS host names.
/// </summary>
public sealed record IceCandidate(
    string Foundation,
    int Component,
    string Protocol,
    uint Priority,
    string Address,
    int Port,
    IceCandidateType Type,
    string? RelatedAddress = null,
    int? RelatedPort = null)
{
    /// <summary>The <c>ufrag</c> extension, when the peer sent one.</summary>
    public string? UsernameFragment { get; init; }

    /// <summary>The <c>tcptype</c> of TCP candidates (never used by this agent, kept for round-trips).</summary>
    public string? TcpType { get; init; }

    /// <summary>The address when it is an IP literal (IPv4-mapped IPv6 normalised to IPv4), else null.</summary>
    public IPAddress? IPAddress =>
        System.Net.IPAddress.TryParse(Address, out var ip) ? NetworkAddress.Normalize(ip) : null;

    /// <summary>RFC 8445 §5.1.2.1: (2^24)·type preference + (2^8)·local preference + (256 − component).</summary>
    public static uint ComputePriority(IceCandidateType type, int localPreference, int component = 1)
    {
        var typePreference = type switch
        {
            IceCandidateType.Host => 126u,
            IceCandidateType.PeerReflexive => 110u,
            IceCandidateType.ServerReflexive => 100u,
            _ => 0u,
        };
        return (typePreference << 24) + ((uint)Math.Clamp(localPreference, 0, 65535) << 8) + (uint)(256 - component);
    }

    /// <summary>The attribute value without "a=", e.g. <c>candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host</c>.</summary>
    public string ToSdpAttribute()
    {
        var builder = new StringBuilder(96);
        builder.Append(CultureInfo.InvariantCulture, $"candidate:{Foundation} {Component} {Protocol} {Priority} {Address} {Port} typ {TypeToken(Type)}");
        if (RelatedAddress is not null && RelatedPort is not null)
        {
            builder.Append(CultureInfo.InvariantCulture, $" raddr {RelatedAddress} rport {RelatedPort}");
        }

        if (TcpType is not null)
        {
            builder.Append(" tcptype ").Append(TcpType);
        }

        if (UsernameFragment is not null)
        {
            builder.Append(" ufrag ").Append(UsernameFragment);
        }

        return builder.ToString();
    }

    public override string ToString() => ToSdpAttribute();

    /// <summary>Parses a candidate line, with or without <c>a=</c> and <c>candidate:</c>.</summary>
    /// <exception cref="FormatException">The line is not a valid candidate.</exception>
    public static IceCandidate Parse(string sdpAttribute)
    {
        if (!TryParse(sdpAttribute, out var candidate, out var error))
        {
            throw new FormatException($"Invalid ICE candidate: {error}");
        }

        return candidate;
    }

    public static bool TryParse(string? sdpAttribute, out IceCandidate candidate, out string error)
    {
        candidate = null!;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(sdpAttribute))
        {
            error = "empty";
            return false;
        }

        var text = sdpAttribute.Trim();
        if (text.StartsWith("a=", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        if (text.StartsWith("candidate:", StringComparison.OrdinalIgnoreCase))
        {
            text = text["candidate:".Length..];
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 8)
        {
            error = "fewer than 8 fields";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var component) || component is < 1 or > 256)
        {
            error = "bad component";
            return false;
        }

        if (!uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var priority))
        {
            error = "bad priority";
            return false;
        }

        if (!int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = "bad port";
            return false;
        }

        if (!string.Equals(parts[6], "typ", StringComparison.OrdinalIgnoreCase) || !TryParseType(parts[7], out var type))
        {
            error = "bad type";
            return false;
        }

        string? relatedAddress = null;
        int? relatedPort = null;
        string? ufrag = null;
        string? tcpType = null;
        for (var i = 8; i + 1 < parts.Length; i += 2)
        {
            var value = parts[i + 1];
            switch (parts[i].ToUpperInvariant())
            {
                case "RADDR":
                    relatedAddress = value;
                    break;
                case "RPORT":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rport) || rport > 65535)
                    {
                        error = "bad rport";
                        return false;
                    }

                    relatedPort = rport;
                    break;
                case "UFRAG":
                    ufrag = value;
                    break;
                case "TCPTYPE":
                    tcpType = value;
                    break;
                default:
                    break; // generation, network-id, network-cost: not needed by this agent
            }
        }

        candidate = new IceCandidate(parts[0], component, parts[2].ToLowerInvariant(), priority, parts[4], port, type, relatedAddress, relatedPort)
        {
            UsernameFragment = ufrag,
            TcpType = tcpType,
        };
        return true;
    }

    private static string TypeToken(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    private static bool TryParseType(string token, out IceCandidateType type)
    {
        switch (token.ToUpperInvariant())
        {
            case "HOST":
                type = IceCandidateType.Host;
                return true;
            case "SRFLX":
                type = IceCandidateType.ServerReflexive;
                return true;
            case "PRFLX":
                type = IceCandidateType.PeerReflexive;
                return true;
            case "RELAY":
                type = IceCandidateType.Relayed;
                return true;
            default:
                type = default;
                return false;
        }
    }
}
