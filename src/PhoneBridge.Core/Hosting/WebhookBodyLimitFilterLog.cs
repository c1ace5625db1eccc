using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Hosting;

/// <summary>Log messages of <see cref="WebhookBodyLimitFilter"/>. Never tokens or paths.</summary>
internal static partial class WebhookBodyLimitFilterLog
{
    [LoggerMessage(EventId = 1010, EventName = "BodyTooLarge", Level = LogLevel.Warning,
        Message = "Request to {Endpoint} from {RemoteIp} refused: body of {Length} bytes is over PhoneBridge:Server:MaxWebhookBytes ({MaxBytes})")]
    public static partial void BodyTooLarge(ILogger logger, string? endpoint, string? remoteIp, long length, int maxBytes);
}
