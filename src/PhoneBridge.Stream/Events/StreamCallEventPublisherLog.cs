using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Events;

internal static partial class StreamCallEventPublisherLog
{
    [LoggerMessage(EventId = 4700, EventName = "CallEventsDropped", Level = LogLevel.Warning,
        Message = "The queue of call events towards Stream is full ({Capacity}); dropping {EventType} of call {CallId} and every event until it has room again")]
    public static partial void Dropped(ILogger logger, int capacity, string eventType, string callId);

    [LoggerMessage(EventId = 4701, EventName = "CallEventsFlowingAgain", Level = LogLevel.Information,
        Message = "Call events towards Stream flow again; {Dropped} dropped and {Failed} failed meanwhile")]
    public static partial void FlowingAgain(ILogger logger, long dropped, long failed);

    [LoggerMessage(EventId = 4702, EventName = "CallEventFailed", Level = LogLevel.Warning,
        Message = "Could not send {EventType} of call {CallId} to Stream call {CallType}:{StreamCallId}: {Reason}; further failures are not logged until one succeeds")]
    public static partial void Failed(ILogger logger, string eventType, string callId, string callType, string streamCallId, string reason);

    [LoggerMessage(EventId = 4703, EventName = "CallEventNotSent", Level = LogLevel.Debug,
        Message = "Could not send {EventType} of call {CallId} to Stream: {Reason}")]
    public static partial void NotSent(ILogger logger, string eventType, string callId, string reason);

    [LoggerMessage(EventId = 4704, EventName = "CallEventsAbandoned", Level = LogLevel.Information,
        Message = "Stopped with {Count} call events not sent to Stream")]
    public static partial void Abandoned(ILogger logger, int count);
}
