using Microsoft.Extensions.Logging;

namespace PhoneBridge.Redis.Webhooks;

/// <summary>Log messages of <see cref="RedisWebhookDeduplication"/>.</summary>
internal static partial class RedisWebhookDeduplicationLog
{
    [LoggerMessage(EventId = 8400, EventName = "DeduplicationUnavailable", Level = LogLevel.Warning,
        Message = "Shared webhook de-duplication unavailable ({Reason}); each instance remembers its own webhooks until Redis is back")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 8401, EventName = "DeduplicationResumed", Level = LogLevel.Information,
        Message = "Shared webhook de-duplication available again")]
    public static partial void Resumed(ILogger logger);
}
