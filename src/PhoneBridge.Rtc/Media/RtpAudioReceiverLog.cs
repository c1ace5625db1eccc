using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc.Media;

internal static partial class RtpAudioReceiverLog
{
    [LoggerMessage(EventId = 5601, EventName = nameof(UnprotectFailed), Level = LogLevel.Warning, Message = "Peer connection {Id} dropped undecryptable {Kind} packets (first of a run, total {Count})")]
    public static partial void UnprotectFailed(ILogger logger, string id, string kind, long count);

    [LoggerMessage(EventId = 5602, EventName = nameof(UnknownSsrc), Level = LogLevel.Debug, Message = "Peer connection {Id} dropped an RTP packet for unknown SSRC {Ssrc}")]
    public static partial void UnknownSsrc(ILogger logger, string id, uint ssrc);

    [LoggerMessage(EventId = 5603, EventName = nameof(FrameHandlerFailed), Level = LogLevel.Warning, Message = "Peer connection {Id}: an event handler threw")]
    public static partial void FrameHandlerFailed(ILogger logger, Exception exception, string id);
}
