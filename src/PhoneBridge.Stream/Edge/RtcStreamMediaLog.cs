using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Edge;

internal static partial class RtcStreamMediaLog
{
    [LoggerMessage(EventId = 4510, EventName = "CandidateRejected", Level = LogLevel.Debug, Message = "Call {CallId}: remote ICE candidate not applied: {Reason}")]
    public static partial void CandidateRejected(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 4511, EventName = "PeerFailed", Level = LogLevel.Warning, Message = "Call {CallId}: {Peer} peer connection failed")]
    public static partial void PeerFailed(ILogger logger, string callId, string peer);

    [LoggerMessage(EventId = 4512, EventName = "DisposeFailed", Level = LogLevel.Debug, Message = "Call {CallId}: closing a peer connection failed: {Reason}")]
    public static partial void DisposeFailed(ILogger logger, string callId, string reason);
}
