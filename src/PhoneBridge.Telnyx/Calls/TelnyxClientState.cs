using System.Text;
using System.Text.Json;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Telnyx.Calls;

/// <summary>
/// Custom parameters carried in Telnyx's <c>client_state</c> (base64, echoed on every webhook of the call): the bridge
/// writes a JSON object of strings there when <c>POST /calls</c> has <c>customParameters</c>, and reads either that or,
/// for a state someone else set, the decoded text under <c>client_state</c>.
/// </summary>
internal static class TelnyxClientState
{
    /// <summary>The key of a decoded state that is not a JSON object of strings.</summary>
    public const string RawKey = "client_state";

    // Larger states are not read: they are not the small key-value sets this is for.
    private const int MaxEncodedLength = 8192;

    /// <summary>Base64 of the parameters' JSON object; null for none.</summary>
    public static string? Encode(IReadOnlyDictionary<string, string>? parameters)
    {
        if (parameters is null || parameters.Count == 0)
        {
            return null;
        }

        var copy = parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(copy, TelnyxClientStateJsonContext.Default.DictionaryStringString));
    }

    /// <summary>The parameters in <paramref name="clientState"/>; null when there is none or it cannot be read.</summary>
    public static IReadOnlyDictionary<string, string>? Decode(string? clientState)
    {
        if (string.IsNullOrEmpty(clientState) || clientState.Length > MaxEncodedLength)
        {
            return null;
        }

        byte[] bytes;
        string text;
        try
        {
            bytes = Convert.FromBase64String(clientState);
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }

        try
        {
            var parameters = JsonSerializer.Deserialize(bytes, TelnyxClientStateJsonContext.Default.DictionaryStringString);
            if (parameters is { Count: > 0 } && CustomParameters.Problem(parameters!) is null)
            {
                return parameters;
            }
        }
        catch (JsonException)
        {
            // Not ours: handed on as the text it is.
        }

        return text.Length == 0 || text.Any(char.IsControl) ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [RawKey] = text };
    }

    /// <summary>
    /// Telnyx's STIR/SHAKEN fields (<c>shaken_stir_attestation</c> A/B/C, <c>shaken_stir_validated</c>) in the words
    /// Twilio's <c>StirVerstat</c> uses, so the agent reads one vocabulary: <c>TN-Validation-Passed-A</c>,
    /// <c>TN-Validation-Failed-B</c>, …; <c>No-TN-Validation</c> when Telnyx says it did not validate without an attestation.
    /// </summary>
    public static string? StirVerstat(string? attestation, bool? validated)
    {
        var level = attestation?.Trim().ToUpperInvariant();
        if (level is not ("A" or "B" or "C"))
        {
            return validated == false ? "No-TN-Validation" : null;
        }

        return validated switch
        {
            true => "TN-Validation-Passed-" + level,
            false => "TN-Validation-Failed-" + level,
            null => null,
        };
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TelnyxClientStateJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
