using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>Log messages of <see cref="TwilioAmdEndpoint"/>. Phone numbers never appear in them.</summary>
internal static partial class TwilioAmdEndpointLog
{
    [LoggerMessage(EventId = 2130, EventName = "AmdResult", Level = LogLevel.Information,
        Message = "Twilio call {CallId} answered by {Result} ({AnsweredBy}, detected in {DurationMs} ms)")]
    public static partial void AmdResult(ILogger logger, string callId, string result, string answeredBy, string durationMs);

    [LoggerMessage(EventId = 2131, EventName = "AmdForUnknownCall", Level = LogLevel.Information,
        Message = "Twilio AMD callback for CallSid {CallSid} ({AnsweredBy}) matches no live call; acknowledged and dropped")]
    public static partial void AmdForUnknownCall(ILogger logger, string callSid, string answeredBy);

    [LoggerMessage(EventId = 2132, EventName = "AmdCallbackMalformed", Level = LogLevel.Warning,
        Message = "Twilio AMD callback without a form, CallSid or AnsweredBy; rejected")]
    public static partial void AmdCallbackMalformed(ILogger logger);
}
