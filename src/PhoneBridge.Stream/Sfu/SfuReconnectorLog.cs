using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Sfu;

internal static partial class SfuReconnectorLog
{
    [LoggerMessage(EventId = 4150, EventName = "SfuReconnecting", Level = LogLevel.Information, Message = "Reconnecting to the SFU ({Strategy}): {Reason}")]
    public static partial void Reconnecting(ILogger logger, string strategy, string reason);

    [LoggerMessage(EventId = 4151, EventName = "SfuReconnectFailed", Level = LogLevel.Warning, Message = "Reconnection ({Strategy}) failed: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, string strategy, string reason);
}
