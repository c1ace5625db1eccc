namespace PhoneBridge.Telnyx.Rest;

/// <summary>Call Control work done off the webhook request; <see cref="CommandId"/> stays the same across retries.</summary>
internal abstract record TelnyxCommand(string CallControlId, string CommandId);

/// <param name="CallId">Our call id, released if the answer finally fails.</param>
internal sealed record TelnyxAnswerWork(string CallControlId, string CommandId, string CallId, TelnyxStreamSettings Stream)
    : TelnyxCommand(CallControlId, CommandId);

/// <summary>Rejects a parked incoming call (admission control refused it); it was never registered.</summary>
/// <param name="Cause"><see cref="TelnyxCallControlClient.RejectCauseUserBusy"/> or <c>CALL_REJECTED</c>.</param>
internal sealed record TelnyxRejectWork(string CallControlId, string CommandId, string Cause)
    : TelnyxCommand(CallControlId, CommandId);

internal sealed record TelnyxHangupWork(string CallControlId, string CommandId, string Reason)
    : TelnyxCommand(CallControlId, CommandId);
