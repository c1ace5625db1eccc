using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Coordinator;

internal static partial class StreamCoordinatorHealthCheckLog
{
    [LoggerMessage(EventId = 4610, EventName = "CoordinatorReachable", Level = LogLevel.Information, Message = "Stream coordinator reachable: ready")]
    public static partial void Reachable(ILogger logger);

    [LoggerMessage(EventId = 4611, EventName = "CoordinatorUnreachable", Level = LogLevel.Warning, Message = "Stream coordinator check failed, not ready: {Reason}")]
    public static partial void Unreachable(ILogger logger, string reason);
}
