namespace PhoneBridge.Twilio.Calls;

/// <summary>Body of <c>POST /twilio/calls</c>.</summary>
/// <param name="To">Number (E.164) or client/SIP address to call.</param>
/// <param name="From">A Twilio number or verified caller id on the account.</param>
/// <param name="StatusCallback">
/// Optional absolute URL Twilio posts call progress to instead of the bridge's own <c>/twilio/status</c>; with it, a call
/// nobody answers stays registered until its ring timeout.
/// </param>
public sealed record OutboundCallRequest(string? To, string? From, string? StatusCallback = null);

/// <summary>Answer of <c>POST /twilio/calls</c>.</summary>
public sealed record OutboundCallResponse(string CallId, string CallSid, string? Status);
