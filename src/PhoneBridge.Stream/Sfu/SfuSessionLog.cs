using Microsoft.Extensions.Logging;

namespace PhoneBridge.Stream.Sfu;

internal static partial class SfuSessionLog
{
    [LoggerMessage(1300, LogLevel.Information, "Joined SFU {Edge} for {CallCid} as session {SessionId} ({Participants} participants)")]
    public static partial void Joined(ILogger logger, string edge, string callCid, string sessionId, int participants);

    [LoggerMessage(1301, LogLevel.Warning, "SFU {Edge} refused the join ({Code}); trying another edge (attempt {Attempt})")]
    public static partial void JoinRefused(ILogger logger, string edge, string code, int attempt);

    [LoggerMessage(1302, LogLevel.Warning, "Could not reach SFU {Edge}: {Reason} (attempt {Attempt})")]
    public static partial void JoinUnreachable(ILogger logger, string edge, string reason, int attempt);

    [LoggerMessage(1303, LogLevel.Information, "Reconnecting to the SFU ({Strategy}): {Reason}")]
    public static partial void Reconnecting(ILogger logger, string strategy, string reason);

    [LoggerMessage(1304, LogLevel.Warning, "Reconnection ({Strategy}) failed: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, string strategy, string reason);

    [LoggerMessage(1305, LogLevel.Information, "SFU session ended ({Kind}): {Reason}")]
    public static partial void Ended(ILogger logger, SfuSessionEndKind kind, string reason);

    [LoggerMessage(1306, LogLevel.Warning, "SFU error {Code}: {Message}")]
    public static partial void SfuError(ILogger logger, string code, string message);

    [LoggerMessage(1307, LogLevel.Warning, "Could not handle SFU {Kind}: {Reason}")]
    public static partial void HandlingFailed(ILogger logger, string kind, string reason);

    [LoggerMessage(1308, LogLevel.Debug, "Dropping malformed ICE candidate from the SFU")]
    public static partial void BadCandidate(ILogger logger);

    [LoggerMessage(1309, LogLevel.Warning, "Publishing audio is not allowed in this call right now")]
    public static partial void AudioNotAllowed(ILogger logger);

    [LoggerMessage(1310, LogLevel.Information, "SFU asked us to migrate ({Reason})")]
    public static partial void GoAway(ILogger logger, string reason);
}
