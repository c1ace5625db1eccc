using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>Log messages of <see cref="TwilioStatusEndpoint"/>. Phone numbers never appear in them.</summary>
internal static partial class TwilioStatusEndpointLog
{
    [LoggerMessage(EventId = 2140, EventName = "CallEndedBeforeMedia", Level = LogLevel.Information,
        Message = "Twilio status {CallStatus} for call {CallId} before its media stream connected; call ended and registration released")]
    public static partial void CallEndedBeforeMedia(ILogger logger, string callId, string callStatus);

    [LoggerMessage(EventId = 2141, EventName = "StatusNoted", Level = LogLevel.Debug,
        Message = "Twilio status {CallStatus} (sequence {SequenceNumber}) for call {CallId} in state {State}; noted")]
    public static partial void StatusNoted(ILogger logger, string callId, string callStatus, string sequenceNumber, string state);

    [LoggerMessage(EventId = 2142, EventName = "StatusForUnknownCall", Level = LogLevel.Information,
        Message = "Twilio status callback for CallSid {CallSid} ({CallStatus}) matches no live call; acknowledged and dropped")]
    public static partial void StatusForUnknownCall(ILogger logger, string callSid, string callStatus);

    [LoggerMessage(EventId = 2143, EventName = "StatusCallbackMalformed", Level = LogLevel.Warning,
        Message = "Twilio status callback without a form, CallSid or a known CallStatus; rejected")]
    public static partial void StatusCallbackMalformed(ILogger logger);
}
