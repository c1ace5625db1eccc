using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Sfu;

internal static partial class SfuTwirpClientLog
{
    [LoggerMessage(EventId = 4300, EventName = "TwirpRetrying", Level = LogLevel.Debug, Message = "SFU {Method} attempt {Attempt} failed, retrying: {Reason}")]
    public static partial void Retrying(ILogger logger, string method, int attempt, string reason);
}
