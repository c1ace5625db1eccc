using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>Log messages of <see cref="TelnyxEventForwarding"/>. Phone numbers never appear in them.</summary>
internal static partial class TelnyxEventForwardingLog
{
    [LoggerMessage(EventId = 3140, EventName = "EndedHere", Level = LogLevel.Information,
        Message = "Telnyx call {CallId} ({CallControlId}) hung up: {Cause}; ended on this instance, which holds its media")]
    public static partial void EndedHere(ILogger logger, string callId, string callControlId, string cause);

    [LoggerMessage(EventId = 3141, EventName = "NotHeldAnywhere", Level = LogLevel.Information,
        Message = "Telnyx {EventType} for {CallControlId} matches no call held by this or the {Answers} other instances that answered")]
    public static partial void NotHeldAnywhere(ILogger logger, string eventType, string callControlId, int answers);
}
