using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Coordinator;

internal static partial class StreamCoordinatorClientLog
{
    [LoggerMessage(EventId = 4600, EventName = "CoordinatorJoined", Level = LogLevel.Debug, Message = "Joined Stream call {CallType}:{CallId} on edge {EdgeName}")]
    public static partial void Joined(ILogger logger, string callType, string callId, string edgeName);

    [LoggerMessage(EventId = 4601, EventName = "CoordinatorApiError", Level = LogLevel.Warning, Message = "Stream request {Path} failed with HTTP {Status}, Stream code {Code}: {Message}")]
    public static partial void ApiError(ILogger logger, string path, int status, int code, string message);
}
