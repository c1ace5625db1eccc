using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Agents;

internal static partial class VisionAgentsLauncherLog
{
    [LoggerMessage(EventId = 4400, EventName = "AgentSessionStarted", Level = LogLevel.Information, Message = "Agent session {SessionId} started for Stream call {CallId}")]
    public static partial void Started(ILogger logger, string callId, string sessionId);

    [LoggerMessage(EventId = 4401, EventName = "AgentSessionRefused", Level = LogLevel.Warning, Message = "Agent server refused a session for Stream call {CallId}: HTTP {Status} {Detail}")]
    public static partial void StartRefused(ILogger logger, string callId, int status, string detail);

    [LoggerMessage(EventId = 4402, EventName = "AgentSessionClosed", Level = LogLevel.Information, Message = "Agent session {SessionId} for Stream call {CallId} closed")]
    public static partial void Stopped(ILogger logger, string callId, string sessionId);

    [LoggerMessage(EventId = 4403, EventName = "AgentSessionCloseFailed", Level = LogLevel.Warning, Message = "Could not close agent session {SessionId} for Stream call {CallId}: {Reason}")]
    public static partial void StopFailed(ILogger logger, string callId, string sessionId, string reason);
}
