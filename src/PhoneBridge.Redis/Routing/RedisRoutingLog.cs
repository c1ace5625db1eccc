using Microsoft.Extensions.Logging;

namespace PhoneBridge.Redis.Routing;

/// <summary>Log events of the routing bus (block 9500 of PhoneBridge.Redis). One line per failed forward.</summary>
internal static partial class RedisRoutingLog
{
    [LoggerMessage(EventId = 9500, EventName = "RoutingStarted", Level = LogLevel.Information,
        Message = "Routing bus listening as instance {InstanceId}")]
    public static partial void RoutingStarted(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 9501, EventName = "ForwardTimedOut", Level = LogLevel.Warning,
        Message = "Forwarded {Action} for {Key} to instance {Owner}: no answer within {TimeoutMs} ms; answered 504")]
    public static partial void ForwardTimedOut(ILogger logger, string action, string key, string owner, long timeoutMs);

    [LoggerMessage(EventId = 9502, EventName = "OwnerNotListening", Level = LogLevel.Warning,
        Message = "Forwarded {Action} for {Key}: instance {Owner} is not listening (gone or restarting); answered 503")]
    public static partial void OwnerNotListening(ILogger logger, string action, string key, string owner);

    [LoggerMessage(EventId = 9503, EventName = "ForwardsFull", Level = LogLevel.Warning,
        Message = "Forwarded {Action} for {Key} refused: {MaxInFlight} forwarded requests already in flight; answered 503")]
    public static partial void ForwardsFull(ILogger logger, string action, string key, int maxInFlight);

    [LoggerMessage(EventId = 9504, EventName = "BusUnreachable", Level = LogLevel.Warning,
        Message = "Forwarded {Action} for {Key} could not be published ({Error}); answered 503")]
    public static partial void BusUnreachable(ILogger logger, string action, string key, string error);

    [LoggerMessage(EventId = 9505, EventName = "OthersPartlySilent", Level = LogLevel.Information,
        Message = "{Action} for {Key} asked {Expected} other instances; {Answered} answered within {TimeoutMs} ms")]
    public static partial void OthersPartlySilent(ILogger logger, string action, string key, int expected, int answered, long timeoutMs);

    [LoggerMessage(EventId = 9506, EventName = "CommandFailed", Level = LogLevel.Error,
        Message = "Command {Action} for {Key} forwarded by instance {From} failed; answered 500")]
    public static partial void CommandFailed(ILogger logger, Exception exception, string action, string key, string from);

    [LoggerMessage(EventId = 9507, EventName = "MessageMalformed", Level = LogLevel.Warning,
        Message = "A routing message on {Channel} is not one this version reads; dropped")]
    public static partial void MessageMalformed(ILogger logger, string channel);

    [LoggerMessage(EventId = 9508, EventName = "ReplyLost", Level = LogLevel.Debug,
        Message = "The answer to {Action} for {Key} could not be sent to instance {To} ({Error})")]
    public static partial void ReplyLost(ILogger logger, string action, string key, string to, string error);

    [LoggerMessage(EventId = 9509, EventName = "RoutingWaiting", Level = LogLevel.Warning,
        Message = "The routing bus of instance {InstanceId} cannot subscribe yet: Redis is unreachable; it subscribes when the connection comes up")]
    public static partial void RoutingWaiting(ILogger logger, string instanceId);
}
