using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Sfu;

internal static partial class SfuSessionLog
{
    [LoggerMessage(EventId = 4100, EventName = "SfuJoined", Level = LogLevel.Information, Message = "Joined SFU {Edge} for {CallCid} as session {SessionId} ({Participants} participants)")]
    public static partial void Joined(ILogger logger, string edge, string callCid, string sessionId, int participants);

    [LoggerMessage(EventId = 4101, EventName = "SfuJoinRefused", Level = LogLevel.Warning, Message = "SFU {Edge} refused the join ({Code}); trying another edge (attempt {Attempt})")]
    public static partial void JoinRefused(ILogger logger, string edge, string code, int attempt);

    [LoggerMessage(EventId = 4102, EventName = "SfuUnreachable", Level = LogLevel.Warning, Message = "Could not reach SFU {Edge}: {Reason} (attempt {Attempt})")]
    public static partial void JoinUnreachable(ILogger logger, string edge, string reason, int attempt);

    [LoggerMessage(EventId = 4103, EventName = "SfuSessionEnded", Level = LogLevel.Information, Message = "SFU session ended ({Kind}): {Reason}")]
    public static partial void Ended(ILogger logger, SfuSessionEndKind kind, string reason);

    [LoggerMessage(EventId = 4104, EventName = "SfuError", Level = LogLevel.Warning, Message = "SFU error {Code}: {Message}")]
    public static partial void SfuError(ILogger logger, string code, string message);

    [LoggerMessage(EventId = 4105, EventName = "SfuEventNotHandled", Level = LogLevel.Warning, Message = "Could not handle SFU {Kind}: {Reason}")]
    public static partial void HandlingFailed(ILogger logger, string kind, string reason);

    [LoggerMessage(EventId = 4106, EventName = "SfuCandidateMalformed", Level = LogLevel.Debug, Message = "Dropping malformed ICE candidate from the SFU")]
    public static partial void BadCandidate(ILogger logger);

    [LoggerMessage(EventId = 4107, EventName = "AudioPublishNotAllowed", Level = LogLevel.Warning, Message = "Publishing audio is not allowed in this call right now")]
    public static partial void AudioNotAllowed(ILogger logger);

    [LoggerMessage(EventId = 4108, EventName = "SfuGoAway", Level = LogLevel.Information, Message = "SFU asked us to migrate ({Reason})")]
    public static partial void GoAway(ILogger logger, string reason);
}
