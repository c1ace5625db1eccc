namespace PhoneBridge.Twilio.Calls;

/// <summary>Body of <c>POST /twilio/calls/{callSid}/transfer</c>.</summary>
/// <param name="To">Number (E.164), <c>client:identity</c> or <c>sip:</c> address the call is connected to.</param>
/// <param name="CallerId">Optional caller id shown to <paramref name="To"/>: a Twilio number or verified caller id of the account.</param>
public sealed record TransferCallRequest(string? To, string? CallerId = null);
