using Microsoft.Extensions.Logging;

namespace PhoneBridge.Browser.Media;

internal static partial class BrowserMediaStreamLog
{
    [LoggerMessage(EventId = 8200, EventName = "ConnectionEnded", Level = LogLevel.Information, Message = "Call {CallId}: browser call over: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string callId, string reason);
}
