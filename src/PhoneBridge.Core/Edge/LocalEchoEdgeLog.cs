using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Edge;

internal static partial class LocalEchoEdgeLog
{
    [LoggerMessage(EventId = 1300, EventName = "Joined", Level = LogLevel.Information, Message = "Call {CallId} joined the local echo edge (echo after {DelayMs} ms)")]
    public static partial void Joined(ILogger logger, string callId, int delayMs);

    [LoggerMessage(EventId = 1301, EventName = "Left", Level = LogLevel.Information, Message = "Call {CallId} left the local echo edge")]
    public static partial void Left(ILogger logger, string callId);

    [LoggerMessage(EventId = 1302, EventName = "Dtmf", Level = LogLevel.Information, Message = "Call {CallId}: caller pressed a key on the local echo edge")]
    public static partial void Dtmf(ILogger logger, string callId);
}
