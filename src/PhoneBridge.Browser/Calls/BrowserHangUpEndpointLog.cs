using Microsoft.Extensions.Logging;

namespace PhoneBridge.Browser.Calls;

internal static partial class BrowserHangUpEndpointLog
{
    [LoggerMessage(EventId = 8400, EventName = "BrowserHungUp", Level = LogLevel.Information, Message = "Call {CallId}: hung up by the browser")]
    public static partial void HungUp(ILogger logger, string callId);

    [LoggerMessage(EventId = 8401, EventName = "BrowserHangUpUnknown", Level = LogLevel.Warning, Message = "Browser hang-up refused (404): no live browser call {CallId}")]
    public static partial void Unknown(ILogger logger, string callId);
}
