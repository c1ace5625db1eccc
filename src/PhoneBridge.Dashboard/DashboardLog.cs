using Microsoft.Extensions.Logging;

namespace PhoneBridge.Dashboard;

/// <summary>Log messages of the dashboard. Never the key, a session id, a CSRF token or a phone number.</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = 8000, EventName = "LoggedIn", Level = LogLevel.Information,
        Message = "Dashboard login from {RemoteIp}")]
    public static partial void LoggedIn(ILogger logger, string? remoteIp);

    [LoggerMessage(EventId = 8001, EventName = "LoginRefused", Level = LogLevel.Warning,
        Message = "Dashboard login from {RemoteIp} refused: {Reason}")]
    public static partial void LoginRefused(ILogger logger, string? remoteIp, string reason);

    [LoggerMessage(EventId = 8002, EventName = "LoginMalformed", Level = LogLevel.Warning,
        Message = "Dashboard login from {RemoteIp} refused: not a form post (400)")]
    public static partial void LoginMalformed(ILogger logger, string? remoteIp);

    [LoggerMessage(EventId = 8003, EventName = "LoggedOut", Level = LogLevel.Information,
        Message = "Dashboard logout from {RemoteIp}")]
    public static partial void LoggedOut(ILogger logger, string? remoteIp);

    [LoggerMessage(EventId = 8010, EventName = "EventStreamsFull", Level = LogLevel.Warning,
        Message = "Live call list connection refused (503): {Max} are open (PhoneBridge:Dashboard:MaxEventStreams)")]
    public static partial void EventStreamsFull(ILogger logger, int max);

    [LoggerMessage(EventId = 8011, EventName = "SlowClientDropped", Level = LogLevel.Information,
        Message = "Live call list connection dropped: {Queued} updates waited unsent; the page reconnects for a fresh list")]
    public static partial void SlowClientDropped(ILogger logger, int queued);
}
