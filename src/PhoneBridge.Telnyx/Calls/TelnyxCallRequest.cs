namespace PhoneBridge.Telnyx.Calls;

/// <summary>Body of <c>POST /telnyx/calls</c>.</summary>
/// <param name="To">Number or SIP URI to call.</param>
/// <param name="From">A Telnyx number of the account (E.164).</param>
public sealed record TelnyxCallRequest(string? To, string? From);

/// <summary>Answer of <c>POST /telnyx/calls</c>.</summary>
public sealed record TelnyxCallResponse(string CallId, string CallControlId);
