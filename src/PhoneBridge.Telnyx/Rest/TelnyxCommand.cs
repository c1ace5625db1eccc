namespace PhoneBridge.Telnyx.Rest;

/// <summary>Call Control work done off the webhook request; <see cref="CommandId"/> stays the same across retries.</summary>
internal abstract record TelnyxCommand(string CallControlId, string CommandId);

/// <param name="CallId">Our call id, released if the answer finally fails.</param>
internal sealed record TelnyxAnswerWork(string CallControlId, string CommandId, string CallId, TelnyxStreamSettings Stream)
    : TelnyxCommand(CallControlId, CommandId);

internal sealed record TelnyxHangupWork(string CallControlId, string CommandId, string Reason)
    : TelnyxCommand(CallControlId, CommandId);
