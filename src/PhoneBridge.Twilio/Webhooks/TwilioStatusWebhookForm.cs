using System.Text.Json.Serialization;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// The form fields of Twilio's call status callback (https://www.twilio.com/docs/voice/api/call-resource#statuscallback)
/// that <c>POST /twilio/status</c> reads; Twilio sends more (<c>From</c>, <c>To</c>, … which are never logged).
/// Only the API description uses this type: the handler reads the form the signature filter has already parsed.
/// </summary>
/// <param name="CallSid">Twilio's id of the call (CA…).</param>
/// <param name="AccountSid">The account the call belongs to (AC…).</param>
/// <param name="CallStatus"><c>queued</c>, <c>initiated</c>, <c>ringing</c>, <c>in-progress</c>, <c>completed</c>, <c>busy</c>, <c>failed</c>, <c>no-answer</c> or <c>canceled</c>.</param>
/// <param name="Direction"><c>inbound</c>, <c>outbound-api</c> or <c>outbound-dial</c>.</param>
/// <param name="Timestamp">When Twilio fired the event (RFC 2822).</param>
/// <param name="SequenceNumber">The order of the callbacks of one call, from 0.</param>
/// <param name="CallDuration">Seconds the call lasted; with <c>completed</c> only.</param>
public sealed record TwilioStatusWebhookForm(
    [property: JsonPropertyName("CallSid")] string CallSid,
    [property: JsonPropertyName("AccountSid")] string? AccountSid,
    [property: JsonPropertyName("CallStatus")] string CallStatus,
    [property: JsonPropertyName("Direction")] string? Direction,
    [property: JsonPropertyName("Timestamp")] string? Timestamp,
    [property: JsonPropertyName("SequenceNumber")] string? SequenceNumber,
    [property: JsonPropertyName("CallDuration")] string? CallDuration);
