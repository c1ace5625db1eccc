namespace PhoneBridge.Rtc.Ice;

/// <summary>A STUN or TURN server as in RTCIceServer: <c>stun:host[:port]</c>, <c>turn:host[:port][?transport=udp]</c>.</summary>
public sealed record IceServer(IReadOnlyList<string> Urls, string? Username = null, string? Credential = null)
{
    public IceServer(string url, string? username = null, string? credential = null)
        : this([url], username, credential)
    {
    }

    /// <summary>Redacts the credential so servers can be logged.</summary>
    public override string ToString() => $"{string.Join(',', Urls)} (user {(Username is null ? "none" : "set")})";
}

/// <summary>One parsed server URL (RFC 7064 / RFC 7065).</summary>
internal sealed record IceServerUrl(bool IsTurn, string Host, int Port, IceServer Server)
{
    public const int DefaultPort = 3478;

    /// <summary>Parses a URL; returns null (with a reason) for schemes or transports this agent does not support.</summary>
    public static IceServerUrl? TryParse(string url, IceServer server, out string? unsupportedReason)
    {
        unsupportedReason = null;
        var schemeEnd = url.IndexOf(':', StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            unsupportedReason = "missing scheme";
            return null;
        }

        var scheme = url[..schemeEnd].ToUpperInvariant();
        if (scheme is not ("STUN" or "TURN"))
        {
            unsupportedReason = $"scheme '{url[..schemeEnd]}' is not supported (only stun: and turn: over UDP)";
            return null;
        }

        var rest = url[(schemeEnd + 1)..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            var parameters = rest[(query + 1)..];
            rest = rest[..query];
            if (parameters.Contains("transport=", StringComparison.OrdinalIgnoreCase)
                && !parameters.Contains("transport=udp", StringComparison.OrdinalIgnoreCase))
            {
                unsupportedReason = "only UDP transport is supported";
                return null;
            }
        }

        rest = rest.TrimStart('/');
        string host;
        var port = DefaultPort;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                unsupportedReason = "unterminated IPv6 literal";
                return null;
            }

            host = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.StartsWith(':') && !int.TryParse(after[1..], out port))
            {
                unsupportedReason = "bad port";
                return null;
            }
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
            if (colon >= 0 && !int.TryParse(rest[(colon + 1)..], out port))
            {
                unsupportedReason = "bad port";
                return null;
            }
        }

        if (host.Length == 0 || port is <= 0 or > 65535)
        {
            unsupportedReason = "missing host or port out of range";
            return null;
        }

        var isTurn = scheme == "TURN";
        if (isTurn && (server.Username is null || server.Credential is null))
        {
            unsupportedReason = "TURN needs a username and credential";
            return null;
        }

        return new IceServerUrl(isTurn, host, port, server);
    }
}
