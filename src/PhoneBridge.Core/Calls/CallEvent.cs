namespace PhoneBridge.Core.Calls;

/// <summary>
/// Something that happened to a phone call, told to everyone in its edge call (for Stream, a custom event with these
/// fields, like the caller's <c>phone.dtmf</c>). <see cref="Type"/> is the event's <c>type</c> field.
/// </summary>
public abstract record CallEvent(string Type, string CallId);

/// <summary><c>{"type":"phone.call","callId","state":"ringing"|"answered"|"ended","reason"?}</c>.</summary>
public sealed record PhoneCallEvent(string CallId, string State, string? Reason = null) : CallEvent(EventType, CallId)
{
    public const string EventType = "phone.call";
}

/// <summary>
/// <c>{"type":"phone.transfer","callId","mode":"cold"|"warm","state":"started"|"ringing"|"answered"|"completed"|"failed","reason"?}</c>;
/// for a warm transfer <see cref="LegCallId"/> is the bridge call id of the dialled leg.
/// </summary>
public sealed record PhoneTransferEvent(string CallId, string Mode, string State, string? Reason = null, string? LegCallId = null)
    : CallEvent(EventType, CallId)
{
    public const string EventType = "phone.transfer";
}

/// <summary><c>{"type":"phone.hold","callId","held":true|false}</c>.</summary>
public sealed record PhoneHoldEvent(string CallId, bool Held) : CallEvent(EventType, CallId)
{
    public const string EventType = "phone.hold";
}

/// <summary>
/// <c>{"type":"phone.amd","callId","result":"human"|"machine"|"fax"|"unknown","providerResult"}</c>: what answered an
/// outbound call placed with <c>machineDetection</c>. <see cref="ProviderResult"/> is the provider's own verdict
/// (Twilio's <c>AnsweredBy</c>, Telnyx's <c>result</c>), e.g. <c>machine_end_beep</c> or <c>beep_detected</c>.
/// </summary>
public sealed record PhoneAmdEvent(string CallId, string Result, string ProviderResult) : CallEvent(EventType, CallId)
{
    public const string EventType = "phone.amd";
}

/// <summary><c>{"type":"phone.recording","callId","state":"started"|"stopped"|"failed"}</c>.</summary>
public sealed record PhoneRecordingEvent(string CallId, string State) : CallEvent(EventType, CallId)
{
    public const string EventType = "phone.recording";
}
