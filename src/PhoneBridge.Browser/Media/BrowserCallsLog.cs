using Microsoft.Extensions.Logging;

namespace PhoneBridge.Browser.Media;

internal static partial class BrowserCallsLog
{
    [LoggerMessage(EventId = 8210, EventName = "Answered", Level = LogLevel.Information, Message = "Call {CallId}: browser call answered ({SampleRate} Hz)")]
    public static partial void Answered(ILogger logger, string callId, int sampleRate);

    [LoggerMessage(EventId = 8211, EventName = "OfferRefused", Level = LogLevel.Warning, Message = "Browser call refused: the offer cannot be used ({Reason})")]
    public static partial void OfferRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 8212, EventName = "LimitReached", Level = LogLevel.Warning, Message = "Browser call refused: {MaxCalls} browser calls already (PhoneBridge:Browser:MaxCalls)")]
    public static partial void LimitReached(ILogger logger, int maxCalls);

    [LoggerMessage(EventId = 8213, EventName = "BridgeFailed", Level = LogLevel.Error, Message = "Call {CallId}: the bridge of a browser call threw")]
    public static partial void BridgeFailed(ILogger logger, Exception exception, string callId);

    [LoggerMessage(EventId = 8214, EventName = "TransportFailed", Level = LogLevel.Error, Message = "Browser call refused: no WebRTC transport could be opened ({Reason})")]
    public static partial void TransportFailed(ILogger logger, string reason);
}
