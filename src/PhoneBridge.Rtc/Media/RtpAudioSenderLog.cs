using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc.Media;

internal static partial class RtpAudioSenderLog
{
    [LoggerMessage(EventId = 5600, EventName = nameof(SendFailed), Level = LogLevel.Warning, Message = "Peer connection {Id} stopped sending on mid {Mid}")]
    public static partial void SendFailed(ILogger logger, Exception exception, string id, string mid);
}
