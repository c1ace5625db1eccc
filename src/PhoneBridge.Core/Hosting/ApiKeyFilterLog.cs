using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Hosting;

/// <summary>Log messages of <see cref="ApiKeyFilter"/>. The key never appears in them.</summary>
internal static partial class ApiKeyFilterLog
{
    [LoggerMessage(EventId = 1001, EventName = "NoKeyConfigured", Level = LogLevel.Warning,
        Message = "Management request to {Endpoint} refused: PhoneBridge:ApiKey is not configured")]
    public static partial void NoKeyConfigured(ILogger logger, string? endpoint);

    [LoggerMessage(EventId = 1002, EventName = "Rejected", Level = LogLevel.Warning,
        Message = "Management request to {Endpoint} from {RemoteIp} refused: missing or wrong API key")]
    public static partial void Rejected(ILogger logger, string? endpoint, string? remoteIp);

    [LoggerMessage(EventId = 1003, EventName = "CsrfRefused", Level = LogLevel.Warning,
        Message = "Management request to {Endpoint} from {RemoteIp} refused: a session request without its CSRF token")]
    public static partial void CsrfRefused(ILogger logger, string? endpoint, string? remoteIp);
}
