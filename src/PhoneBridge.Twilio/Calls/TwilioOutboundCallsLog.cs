using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Calls;

/// <summary>Log messages of <see cref="TwilioOutboundCalls"/>. Tokens, media URLs and phone numbers never appear in them.</summary>
internal static partial class TwilioOutboundCallsLog
{
    [LoggerMessage(EventId = 2400, EventName = "OutboundCallPlaced", Level = LogLevel.Information,
        Message = "Outbound Twilio call {CallId} placed (CallSid {CallSid}, status {Status})")]
    public static partial void OutboundCallPlaced(ILogger logger, string callId, string callSid, string? status);
}
