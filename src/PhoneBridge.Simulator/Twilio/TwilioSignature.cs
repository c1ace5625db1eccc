using System.Security.Cryptography;
using System.Text;

namespace PhoneBridge.Simulator.Twilio;

/// <summary>Computes <c>X-Twilio-Signature</c> the way Twilio signs its requests.</summary>
public static class TwilioSignature
{
    public const string HeaderName = "X-Twilio-Signature";

    /// <summary>
    /// Base64 HMAC-SHA1 keyed with the auth token over the URL followed by every parameter's
    /// name and value, names in ordinal order and, for a repeated name, its values sorted.
    /// WebSocket handshakes and GETs sign the URL alone (no parameters).
    /// </summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        var signed = new StringBuilder(url);
        if (parameters is not null)
        {
            var ordered = parameters
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .ThenBy(p => p.Value, StringComparer.Ordinal);
            foreach (var (name, value) in ordered)
            {
                signed.Append(name).Append(value);
            }
        }

        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(signed.ToString()));
        return Convert.ToBase64String(mac);
    }
}
