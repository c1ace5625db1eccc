using System.Text.Json;

namespace PhoneBridge.Telnyx.Tests.Rest;

/// <summary>
/// The Call Control requests the bridge sends, checked against Telnyx's API reference: the path and method of each
/// command, the JSON body's required fields, the types and documented ranges of the ones we use, and no field the
/// command does not document (a misspelt field would be ignored by Telnyx, so the fake refuses it).
/// <list type="bullet">
/// <item>dial, https://developers.telnyx.com/api/call-control/dial-call: <c>POST /v2/calls</c>, required
/// <c>connection_id</c>, <c>to</c>, <c>from</c>; <c>timeout_secs</c> 5–600; <c>answering_machine_detection</c> one of
/// premium, detect, detect_beep, detect_words, greeting_end, disabled.</item>
/// <item>answer, https://developers.telnyx.com/api/call-control/answer-call.</item>
/// <item>hangup, https://developers.telnyx.com/api/call-control/hangup-call: only <c>client_state</c>, <c>command_id</c>.</item>
/// <item>reject, https://developers.telnyx.com/api/call-control/reject-call: required <c>cause</c>, <c>CALL_REJECTED</c> or
/// <c>USER_BUSY</c>.</item>
/// <item>transfer, https://developers.telnyx.com/api/call-control/transfer-call: required <c>to</c>; <c>from</c>;
/// <c>timeout_secs</c> 5–600.</item>
/// <item>send_dtmf, https://developers.telnyx.com/api/call-control/send-dtmf: required <c>digits</c> (0-9, A-D, *, #,
/// pauses w and W); <c>duration_millis</c> 100–500.</item>
/// </list>
/// Every command takes <c>command_id</c> and <c>client_state</c>.
/// </summary>
internal static class CallControlDocs
{
    private static readonly string[] Common = ["command_id", "client_state"];

    private static readonly string[] StreamFields =
    [
        "stream_url", "stream_track", "stream_codec", "stream_bidirectional_mode", "stream_bidirectional_codec",
        "stream_bidirectional_sampling_rate", "stream_bidirectional_target_legs",
    ];

    private static readonly string[] Codecs = ["PCMU", "PCMA", "G722", "OPUS", "AMR-WB", "L16", "default"];

    private static readonly string[] MachineDetection = ["premium", "detect", "detect_beep", "detect_words", "greeting_end", "disabled"];

    /// <summary>Null when the request is as documented; otherwise why Telnyx would refuse (or silently ignore) it.</summary>
    public static string? Check(HttpMethod method, Uri uri, string body)
    {
        if (method != HttpMethod.Post)
        {
            return $"Call Control commands are POSTs, not {method}.";
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var calls = Array.IndexOf(segments, "calls");
        if (calls < 0)
        {
            return "Not a Call Control path.";
        }

        var rest = segments[(calls + 1)..];
        string command;
        if (rest.Length == 0)
        {
            command = "dial";
        }
        else if (rest.Length == 3 && rest[1] == "actions" && rest[0].Length > 0)
        {
            command = rest[2];
        }
        else
        {
            return $"Unknown Call Control path {uri.AbsolutePath}.";
        }

        JsonElement root;
        try
        {
            using var json = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
            root = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "Body is not JSON.";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return "Body is not a JSON object.";
        }

        return command switch
        {
            "dial" => Fields(root, ["connection_id", "to", "from", "timeout_secs", "answering_machine_detection", .. StreamFields])
                ?? Required(root, "connection_id", "to", "from")
                ?? Integer(root, "timeout_secs", 5, 600)
                ?? OneOf(root, "answering_machine_detection", MachineDetection)
                ?? Streaming(root),
            "answer" => Fields(root, [.. StreamFields]) ?? Streaming(root),
            "hangup" => Fields(root, []),
            "reject" => Fields(root, ["cause"])
                ?? Required(root, "cause")
                ?? OneOf(root, "cause", ["CALL_REJECTED", "USER_BUSY"]),
            "transfer" => Fields(root, ["to", "from", "timeout_secs"])
                ?? Required(root, "to")
                ?? Integer(root, "timeout_secs", 5, 600),
            "send_dtmf" => Fields(root, ["digits", "duration_millis"])
                ?? Required(root, "digits")
                ?? Digits(root)
                ?? Integer(root, "duration_millis", 100, 500),
            _ => $"The bridge does not send {command}.",
        };
    }

    private static string? Fields(JsonElement root, string[] documented)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (!documented.Contains(property.Name) && !Common.Contains(property.Name))
            {
                return $"Undocumented field {property.Name}.";
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                return $"{property.Name} is null.";
            }
        }

        return root.TryGetProperty("command_id", out var id) && (id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
            ? "command_id must be a non-empty string."
            : null;
    }

    private static string? Required(JsonElement root, params string[] names)
    {
        foreach (var name in names)
        {
            if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                return $"{name} is required.";
            }
        }

        return null;
    }

    private static string? Integer(JsonElement root, string name, int min, int max) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min && n <= max ? null
        : $"{name} must be an integer from {min} to {max}.";

    private static string? OneOf(JsonElement root, string name, string[] values) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String && values.Contains(value.GetString()) ? null
        : $"{name} must be one of {string.Join(", ", values)}.";

    private static string? Digits(JsonElement root)
    {
        var digits = root.GetProperty("digits").GetString()!;
        return digits.All(c => char.IsAsciiDigit(c) || c is >= 'A' and <= 'D' or '*' or '#' or 'w' or 'W')
            ? null
            : "digits may hold 0-9, A-D, *, # and the pauses w, W.";
    }

    private static string? Streaming(JsonElement root) =>
        OneOf(root, "stream_track", ["inbound_track", "outbound_track", "both_tracks"])
        ?? OneOf(root, "stream_codec", Codecs)
        ?? OneOf(root, "stream_bidirectional_mode", ["mp3", "rtp"])
        ?? OneOf(root, "stream_bidirectional_codec", Codecs)
        ?? (root.TryGetProperty("stream_bidirectional_sampling_rate", out var rate)
            && !(rate.ValueKind == JsonValueKind.Number && rate.TryGetInt32(out var hz) && hz is 8000 or 16000 or 22050 or 24000 or 48000)
                ? "stream_bidirectional_sampling_rate must be 8000, 16000, 22050, 24000 or 48000."
                : null)
        ?? (root.TryGetProperty("stream_url", out var url)
            && !(url.ValueKind == JsonValueKind.String && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var u) && u.Scheme is "wss" or "ws")
                ? "stream_url must be a ws(s) URL."
                : null);
}
