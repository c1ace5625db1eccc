using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream;

internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Debug, "Joined Stream call {CallType}:{CallId} on edge {EdgeName}")]
    public static partial void Joined(ILogger logger, string callType, string callId, string edgeName);

    [LoggerMessage(1001, LogLevel.Warning, "Stream request {Path} failed with HTTP {Status}, Stream code {Code}: {Message}")]
    public static partial void ApiError(ILogger logger, string path, int status, int code, string message);
}
