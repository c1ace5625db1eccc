using System.Text.Json;
using System.Text.Json.Serialization;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>The parts of a Call Control webhook the bridge acts on. Everything is optional on the wire.</summary>
internal sealed record TelnyxWebhookEvent(
    string EventType,
    string? Id,
    string? CallControlId,
    string? Direction,
    string? From,
    string? To,
    string? State,
    string? HangupCause,
    string? FailureReason,
    string? Result = null)
{
    public const string CallInitiated = "call.initiated";
    public const string CallAnswered = "call.answered";
    public const string CallHangup = "call.hangup";
    public const string StreamingStarted = "streaming.started";
    public const string StreamingStopped = "streaming.stopped";
    public const string StreamingFailed = "streaming.failed";
    public const string MachineDetectionEnded = "call.machine.detection.ended";
    public const string MachineGreetingEnded = "call.machine.greeting.ended";
    public const string MachinePremiumDetectionEnded = "call.machine.premium.detection.ended";
    public const string MachinePremiumGreetingEnded = "call.machine.premium.greeting.ended";

    public bool IsIncoming => string.Equals(Direction, "incoming", StringComparison.Ordinal);

    /// <summary>Parses the webhook envelope; null when the body is not a Telnyx event.</summary>
    public static TelnyxWebhookEvent? Parse(ReadOnlySpan<byte> body)
    {
        WebhookEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(body, WebhookJsonContext.Default.WebhookEnvelope);
        }
        catch (JsonException)
        {
            return null;
        }

        var data = envelope?.Data;
        if (data is null || string.IsNullOrEmpty(data.EventType))
        {
            return null;
        }

        var p = data.Payload;
        return new TelnyxWebhookEvent(
            data.EventType, data.Id, p?.CallControlId, p?.Direction, p?.From, p?.To, p?.State, p?.HangupCause, p?.FailureReason, p?.Result);
    }
}

// The wire names are spelled out (the context's policy gives the same) so the API description shows them too.
internal sealed record WebhookEnvelope([property: JsonPropertyName("data")] WebhookData? Data);

internal sealed record WebhookData(
    [property: JsonPropertyName("event_type")] string? EventType,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("record_type")] string? RecordType,
    [property: JsonPropertyName("payload")] WebhookPayload? Payload);

internal sealed record WebhookPayload(
    [property: JsonPropertyName("call_control_id")] string? CallControlId,
    [property: JsonPropertyName("direction")] string? Direction,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("hangup_cause")] string? HangupCause,
    [property: JsonPropertyName("failure_reason")] string? FailureReason,
    [property: JsonPropertyName("result")] string? Result = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WebhookEnvelope))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
