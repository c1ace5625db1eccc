using System.Text.Json.Serialization;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// The form fields of Twilio's asynchronous AMD status callback that <c>POST /twilio/amd</c> reads; Twilio sends more.
/// Only the API description uses this type: the handler reads the form the signature filter has already parsed.
/// </summary>
/// <param name="CallSid">Twilio's id of the call (CA…).</param>
/// <param name="AccountSid">The account the call belongs to (AC…).</param>
/// <param name="AnsweredBy"><c>human</c>, <c>machine_start</c>, <c>machine_end_beep</c>, <c>machine_end_silence</c>, <c>machine_end_other</c>, <c>fax</c> or <c>unknown</c>.</param>
/// <param name="MachineDetectionDuration">Milliseconds Twilio took to decide.</param>
public sealed record TwilioAmdWebhookForm(
    [property: JsonPropertyName("CallSid")] string CallSid,
    [property: JsonPropertyName("AccountSid")] string? AccountSid,
    [property: JsonPropertyName("AnsweredBy")] string AnsweredBy,
    [property: JsonPropertyName("MachineDetectionDuration")] string? MachineDetectionDuration);
