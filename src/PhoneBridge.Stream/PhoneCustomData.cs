using System.Buffers;
using System.Text.Json;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Privacy;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Stream;

/// <summary>
/// What the agent learns about the phone call from the phone participant's Stream user: its <c>custom.phone</c>,
/// <c>{"callId","provider","direction","from","to","providerCallId","customParameters":{…},"stirVerstat"?}</c>.
/// <c>from</c> and <c>to</c> are masked like the participant name unless <see cref="StreamOptions.ShowFullNumber"/>.
/// </summary>
public static class PhoneCustomData
{
    /// <summary>The custom field of the phone user that holds it (a partial update's <c>set</c> key for <c>custom.phone</c>).</summary>
    public const string Key = "phone";

    // Parameters a media stream's start message carries that are not the caller's: Twilio's echo of the bridge's own
    // callId, and Telnyx's client_state as it came (its decoded form was registered with the call).
    private static readonly HashSet<string> NotCallerParameters = new(StringComparer.Ordinal) { CustomParameters.ReservedName, "client_state" };

    /// <summary>The <c>phone</c> object for <paramref name="call"/>.</summary>
    public static JsonElement Build(
        CallInfo call, string? providerCallId, IReadOnlyDictionary<string, string>? customParameters, StreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(options);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("callId", call.CallId);
            json.WriteString("provider", call.Provider);
            json.WriteString("direction", call.Direction == CallDirection.Outbound ? "outbound" : "inbound");
            WriteNumber(json, "from", call.From, options);
            WriteNumber(json, "to", call.To, options);
            json.WriteString("providerCallId", providerCallId);
            json.WriteStartObject("customParameters");
            if (customParameters is not null)
            {
                foreach (var (name, value) in customParameters)
                {
                    json.WriteString(name, value);
                }
            }

            json.WriteEndObject();
            if (call.StirVerstat is { Length: > 0 } verstat)
            {
                json.WriteString("stirVerstat", verstat);
            }

            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The registered parameters with those of the media stream's start message laid over them; null when the start
    /// message adds or changes nothing (then there is nothing to write again).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? WithStartParameters(
        IReadOnlyDictionary<string, string>? registered, IReadOnlyDictionary<string, string>? started)
    {
        if (started is null || started.Count == 0)
        {
            return null;
        }

        Dictionary<string, string>? merged = null;
        foreach (var (name, value) in started)
        {
            if (NotCallerParameters.Contains(name)
                || (registered is not null && registered.TryGetValue(name, out var known) && string.Equals(known, value, StringComparison.Ordinal)))
            {
                continue;
            }

            merged ??= registered is null
                ? new Dictionary<string, string>(StringComparer.Ordinal)
                : new Dictionary<string, string>(registered, StringComparer.Ordinal);
            merged[name] = value;
        }

        return merged;
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, string? number, StreamOptions options)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, options.ShowFullNumber ? number.Trim() : Redaction.MaskPhoneNumber(number));
        }
    }
}
