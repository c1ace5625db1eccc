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
    string? FailureReason)
{
    public const string CallInitiated = "call.initiated";
    public const string CallAnswered = "call.answered";
    public const string CallHangup = "call.hangup";
    public const string StreamingStarted = "streaming.started";
    public const string StreamingStopped = "streaming.stopped";
    public const string StreamingFailed = "streaming.failed";

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
            data.EventType, data.Id, p?.CallControlId, p?.Direction, p?.From, p?.To, p?.State, p?.HangupCause, p?.FailureReason);
    }
}

internal sealed record WebhookEnvelope(WebhookData? Data);

internal sealed record WebhookData(string? EventType, string? Id, string? RecordType, WebhookPayload? Payload);

internal sealed record WebhookPayload(
    string? CallControlId,
    string? Direction,
    string? From,
    string? To,
    string? State,
    string? HangupCause,
    string? FailureReason);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WebhookEnvelope))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
