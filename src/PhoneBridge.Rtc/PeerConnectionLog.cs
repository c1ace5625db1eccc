using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc;

internal static partial class PeerConnectionLog
{
    [LoggerMessage(EventId = 5000, EventName = nameof(StateChanged), Level = LogLevel.Information, Message = "Peer connection {Id} state {State}")]
    public static partial void StateChanged(ILogger logger, string id, PeerConnectionState state);

    [LoggerMessage(EventId = 5001, EventName = nameof(Secured), Level = LogLevel.Information, Message = "Peer connection {Id} secured: DTLS {Role}, SRTP {Profile}")]
    public static partial void Secured(ILogger logger, string id, string role, string profile);

    [LoggerMessage(EventId = 5002, EventName = nameof(Failed), Level = LogLevel.Warning, Message = "Peer connection {Id} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 5003, EventName = nameof(RemoteDescriptionRejected), Level = LogLevel.Warning, Message = "Peer connection {Id} rejected a remote description: {Reason}")]
    public static partial void RemoteDescriptionRejected(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 5004, EventName = nameof(CandidateIgnored), Level = LogLevel.Debug, Message = "Peer connection {Id} ignored a remote candidate: {Reason}")]
    public static partial void CandidateIgnored(ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 5005, EventName = nameof(HandlerFailed), Level = LogLevel.Warning, Message = "Peer connection {Id}: an event handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(EventId = 5006, EventName = nameof(RemoteTrack), Level = LogLevel.Information, Message = "Peer connection {Id} remote track mid {Mid} stream {StreamId}")]
    public static partial void RemoteTrack(ILogger logger, string id, string mid, string? streamId);
}
