using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Phone;

/// <summary>
/// Log messages of <see cref="WebSocketPhoneStream"/>: what happens to a provider's media socket itself, whichever
/// the provider. Payloads and tokens never appear in them.
/// </summary>
internal static partial class WebSocketPhoneStreamLog
{
    [LoggerMessage(EventId = 1400, EventName = "BinaryFrameSkipped", Level = LogLevel.Warning,
        Message = "Binary frame on the {Provider} media socket was skipped (the provider sends text only); further ones are counted")]
    public static partial void BinaryFrame(ILogger logger, string provider);

    [LoggerMessage(EventId = 1401, EventName = "MessageTooBig", Level = LogLevel.Warning,
        Message = "{Provider} media message exceeds {MaxBytes} bytes; closing the socket with 1009")]
    public static partial void MessageTooBig(ILogger logger, string provider, int maxBytes);

    [LoggerMessage(EventId = 1402, EventName = "SocketLost", Level = LogLevel.Information,
        Message = "{Provider} media socket lost: {Error}")]
    public static partial void SocketLost(ILogger logger, string provider, WebSocketError error);

    [LoggerMessage(EventId = 1403, EventName = "CloseTimedOut", Level = LogLevel.Warning,
        Message = "{Provider} media socket did not close in time; aborted")]
    public static partial void CloseTimedOut(ILogger logger, string provider);

    [LoggerMessage(EventId = 1404, EventName = "HangingUp", Level = LogLevel.Information,
        Message = "Hanging up {Provider} media stream: {Reason}")]
    public static partial void HangingUp(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 1405, EventName = "ApiHangUpFailed", Level = LogLevel.Warning,
        Message = "Hanging up {Provider} call {ProviderCallId} through the provider's API failed")]
    public static partial void ApiHangUpFailed(ILogger logger, Exception exception, string provider, string providerCallId);

    [LoggerMessage(EventId = 1406, EventName = "ProviderConnected", Level = LogLevel.Debug,
        Message = "{Provider} media stream connected")]
    public static partial void ProviderConnected(ILogger logger, string provider);

    [LoggerMessage(EventId = 1407, EventName = "StoppedByProvider", Level = LogLevel.Information,
        Message = "{Provider} media stream stopped by the provider")]
    public static partial void StoppedByProvider(ILogger logger, string provider);

    [LoggerMessage(EventId = 1408, EventName = "MessageMalformed", Level = LogLevel.Warning,
        Message = "{Provider} media message is not valid and was skipped ({Error}); further ones are counted")]
    public static partial void MessageMalformed(ILogger logger, string provider, string error);

    [LoggerMessage(EventId = 1409, EventName = "UnknownEvent", Level = LogLevel.Warning,
        Message = "{Provider} media message with an unknown event was skipped; further ones are counted")]
    public static partial void UnknownEvent(ILogger logger, string provider);

    [LoggerMessage(EventId = 1410, EventName = "BadPayload", Level = LogLevel.Warning,
        Message = "{Provider} media payload could not be decoded (not base64, or not whole samples for the codec) and was skipped; further ones are counted")]
    public static partial void BadPayload(ILogger logger, string provider);

    [LoggerMessage(EventId = 1411, EventName = "UnsupportedFormat", Level = LogLevel.Error,
        Message = "{Provider} media stream format cannot be bridged ({Problem}); closing the socket")]
    public static partial void UnsupportedFormat(ILogger logger, string provider, string problem);

    [LoggerMessage(EventId = 1412, EventName = "NoiseSummary", Level = LogLevel.Warning,
        Message = "{Provider} media stream skipped {Malformed} malformed, {Unknown} unknown-event, {Binary} binary, {BadPayload} bad-payload and {Ignored} out-of-place messages; dropped {Dropped} outbound")]
    public static partial void NoiseSummary(ILogger logger, string provider, int malformed, int unknown, int binary, int badPayload, int ignored, long dropped);
}
