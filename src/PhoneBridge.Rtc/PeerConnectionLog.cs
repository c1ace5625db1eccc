using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc;

internal static partial class PeerConnectionLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Peer connection {Id} state {State}")]
    public static partial void StateChanged(ILogger logger, string id, PeerConnectionState state);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Peer connection {Id} secured: DTLS {Role}, SRTP {Profile}")]
    public static partial void Secured(ILogger logger, string id, string role, string profile);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Peer connection {Id} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Peer connection {Id} rejected a remote description: {Reason}")]
    public static partial void RemoteDescriptionRejected(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "Peer connection {Id} ignored a remote candidate: {Reason}")]
    public static partial void CandidateIgnored(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Peer connection {Id} dropped undecryptable {Kind} packets (first of a run, total {Count})")]
    public static partial void UnprotectFailed(ILogger logger, string id, string kind, long count);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Debug, Message = "Peer connection {Id} dropped an RTP packet for unknown SSRC {Ssrc}")]
    public static partial void UnknownSsrc(ILogger logger, string id, uint ssrc);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Peer connection {Id} stopped sending on mid {Mid}")]
    public static partial void SendFailed(ILogger logger, Exception exception, string id, string mid);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "Peer connection {Id}: an event handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information, Message = "Peer connection {Id} remote track mid {Mid} stream {StreamId}")]
    public static partial void RemoteTrack(ILogger logger, string id, string mid, string? streamId);
}
