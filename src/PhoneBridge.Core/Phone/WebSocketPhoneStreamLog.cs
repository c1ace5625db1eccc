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
}
