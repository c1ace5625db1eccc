using System.Text.Json.Serialization;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// The form fields of Twilio's voice webhook that <c>POST /twilio/voice</c> reads; Twilio sends more. Only the API
/// description uses this type: the handler reads the form the signature filter has already parsed.
/// </summary>
/// <param name="CallSid">Twilio's id of the call (CA…).</param>
/// <param name="AccountSid">The account the call belongs to (AC…).</param>
/// <param name="From">Caller number; never logged.</param>
/// <param name="To">Called number; never logged.</param>
/// <param name="Direction"><c>inbound</c>, or <c>outbound-api</c> for calls placed through <c>POST /twilio/calls</c>.</param>
/// <param name="StirVerstat">STIR/SHAKEN verification of the caller id (e.g. <c>TN-Validation-Passed-A</c>), when the carrier gave one.</param>
public sealed record TwilioVoiceWebhookForm(
    [property: JsonPropertyName("CallSid")] string CallSid,
    [property: JsonPropertyName("AccountSid")] string? AccountSid,
    [property: JsonPropertyName("From")] string? From,
    [property: JsonPropertyName("To")] string? To,
    [property: JsonPropertyName("Direction")] string? Direction,
    [property: JsonPropertyName("StirVerstat")] string? StirVerstat = null);
