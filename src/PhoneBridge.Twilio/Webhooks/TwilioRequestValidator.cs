using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// Checks <c>X-Twilio-Signature</c>: base64(HMAC-SHA1(auth token, url + sorted name/value pairs)).
/// Follows Twilio's SDKs: parameter names in ordinal order, a repeated name contributes once per value with
/// the values sorted, the URL is tried with and without its port, and JSON bodies are bound through the
/// <c>bodySHA256</c> query parameter instead of being signed directly.
/// </summary>
public sealed class TwilioRequestValidator
{
    public const string SignatureHeader = "X-Twilio-Signature";

    private const string BodyHashParameter = "bodySHA256";

    private readonly byte[] _key;

    public TwilioRequestValidator(string authToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        _key = Encoding.UTF8.GetBytes(authToken);
    }

    /// <summary>The signature Twilio would send for <paramref name="url"/> exactly as written.</summary>
    public string ComputeSignature(string url, IEnumerable<KeyValuePair<string, StringValues>>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        return Convert.ToBase64String(ComputeHash(url, parameters));
    }

    /// <summary>Validates a form-encoded (POST) or parameterless (GET, WebSocket upgrade) request.</summary>
    public bool Validate(string url, IEnumerable<KeyValuePair<string, StringValues>>? parameters, string? signature)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var (withoutPort, withPort) = PortVariants(url);
        var sorted = SortParameters(parameters);
        // Evaluate both so the work done does not depend on which variant the caller signed.
        var first = Matches(ComputeHash(withoutPort, sorted), signature);
        var second = Matches(ComputeHash(withPort, sorted), signature);
        return first | second;
    }

    /// <summary>
    /// Validates a JSON-bodied request: the URL (carrying <c>bodySHA256</c>) is signed with no parameters,
    /// and the body must hash to that value.
    /// </summary>
    public bool ValidateJsonBody(string url, ReadOnlySpan<byte> body, string? signature)
    {
        ArgumentNullException.ThrowIfNull(url);
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return false;
        }

        var expectedHash = QueryHelpers.ParseQuery(url[query..]).TryGetValue(BodyHashParameter, out var values)
            ? values.ToString()
            : null;
        if (string.IsNullOrEmpty(expectedHash))
        {
            return false;
        }

        var signatureOk = Validate(url, null, signature);
        var bodyOk = CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(ComputeBodyHash(body)),
            Encoding.ASCII.GetBytes(expectedHash.ToLowerInvariant()));
        return signatureOk & bodyOk;
    }

    /// <summary>Lowercase hex SHA-256 of a request body, as Twilio puts it in <c>bodySHA256</c>.</summary>
    public static string ComputeBodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>
    /// The URL with its port removed and with its port present (the scheme default added when absent).
    /// Works on the text so that case and userinfo survive exactly as signed.
    /// </summary>
    internal static (string WithoutPort, string WithPort) PortVariants(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return (url, url);
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.AsSpan(authorityStart).IndexOfAny('/', '?', '#');
        authorityEnd = authorityEnd < 0 ? url.Length : authorityStart + authorityEnd;
        var authority = url.AsSpan(authorityStart, authorityEnd - authorityStart);
        var hostStart = authority.LastIndexOf('@') + 1;
        var hostPort = authority[hostStart..];

        int portSeparator;
        if (hostPort.StartsWith("["))
        {
            var close = hostPort.IndexOf(']');
            portSeparator = close >= 0 && close + 1 < hostPort.Length && hostPort[close + 1] == ':' ? close + 1 : -1;
        }
        else
        {
            portSeparator = hostPort.LastIndexOf(':');
        }

        var prefix = url.AsSpan(0, authorityStart + hostStart);
        var rest = url.AsSpan(authorityEnd);
        if (portSeparator >= 0)
        {
            var host = hostPort[..portSeparator];
            return (string.Concat(prefix, host, rest), url);
        }

        var defaultPort = DefaultPort(url.AsSpan(0, schemeEnd));
        return defaultPort is null
            ? (url, url)
            : (url, string.Concat(string.Concat(prefix, hostPort, ":"), defaultPort, rest));
    }

    private static string? DefaultPort(ReadOnlySpan<char> scheme)
    {
        if (scheme.Equals("https", StringComparison.OrdinalIgnoreCase) || scheme.Equals("wss", StringComparison.OrdinalIgnoreCase))
        {
            return "443";
        }

        if (scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("ws", StringComparison.OrdinalIgnoreCase))
        {
            return "80";
        }

        return null;
    }

    private static bool Matches(byte[] hash, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(hash));
        var actual = Encoding.UTF8.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private byte[] ComputeHash(string url, IEnumerable<KeyValuePair<string, StringValues>>? parameters) =>
        ComputeHash(url, SortParameters(parameters));

    private byte[] ComputeHash(string url, List<KeyValuePair<string, string>> sorted)
    {
        var text = new StringBuilder(url);
        foreach (var (name, value) in sorted)
        {
            text.Append(name).Append(value);
        }

        return HMACSHA1.HashData(_key, Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static List<KeyValuePair<string, string>> SortParameters(IEnumerable<KeyValuePair<string, StringValues>>? parameters)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (parameters is null)
        {
            return pairs;
        }

        foreach (var (name, values) in parameters)
        {
            foreach (var value in values)
            {
                pairs.Add(new(name, value ?? string.Empty));
            }
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Key, b.Key);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return pairs;
    }
}
