using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Sfu;

internal static partial class SfuSignalConnectionLog
{
    [LoggerMessage(EventId = 4200, EventName = "SfuEventHeldBeforeJoin", Level = LogLevel.Debug, Message = "Holding SFU event {Kind} received before the join response until it arrives")]
    public static partial void HeldBeforeJoin(ILogger logger, string kind);

    [LoggerMessage(EventId = 4201, EventName = "SfuSocketClosedBySfu", Level = LogLevel.Information, Message = "SFU closed the signalling socket ({Status} {Description})")]
    public static partial void ClosedBySfu(ILogger logger, int status, string description);

    [LoggerMessage(EventId = 4202, EventName = "SfuEventMalformed", Level = LogLevel.Warning, Message = "Dropping malformed SFU event ({Length} bytes): {Reason}")]
    public static partial void MalformedEvent(ILogger logger, int length, string reason);

    [LoggerMessage(EventId = 4203, EventName = "SfuSocketFailed", Level = LogLevel.Warning, Message = "SFU signalling socket failed: {Reason}")]
    public static partial void SocketFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4204, EventName = "SfuSocketUnhealthy", Level = LogLevel.Warning, Message = "SFU signalling socket silent for {Seconds:0.0} s; closing it as unhealthy")]
    public static partial void Unhealthy(ILogger logger, double seconds);

    [LoggerMessage(EventId = 4205, EventName = "SfuHealthCheckNotSent", Level = LogLevel.Debug, Message = "SFU health check not sent: {Reason}")]
    public static partial void PingFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4206, EventName = "SfuLeaveNotSent", Level = LogLevel.Debug, Message = "Leave request not sent: {Reason}")]
    public static partial void LeaveNotSent(ILogger logger, string reason);

    [LoggerMessage(EventId = 4207, EventName = "SfuEventDroppedBeforeJoin", Level = LogLevel.Warning, Message = "Dropping SFU event {Kind} received before the join response: {Max} are held already")]
    public static partial void DroppedBeforeJoin(ILogger logger, string kind, int max);
}
