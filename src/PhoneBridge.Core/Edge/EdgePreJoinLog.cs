using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Edge;

/// <summary>Log messages of <see cref="EdgePreJoin"/>. Phone numbers never appear in them.</summary>
internal static partial class EdgePreJoinLog
{
    [LoggerMessage(EventId = 1320, EventName = "PreJoinStarted", Level = LogLevel.Debug,
        Message = "Call {CallId}: joining edge {Edge} at registration ({SampleRate} Hz), before the media stream")]
    public static partial void PreJoinStarted(ILogger logger, string callId, string edge, int sampleRate);

    [LoggerMessage(EventId = 1321, EventName = "PreJoinFailed", Level = LogLevel.Warning,
        Message = "Call {CallId}: joining edge {Edge} at registration failed; the bridge joins when the media stream starts")]
    public static partial void PreJoinFailed(ILogger logger, string callId, string edge, Exception exception);

    [LoggerMessage(EventId = 1322, EventName = "PreJoinUsed", Level = LogLevel.Debug,
        Message = "Call {CallId}: the media stream takes the edge session joined at registration")]
    public static partial void PreJoinUsed(ILogger logger, string callId);

    [LoggerMessage(EventId = 1323, EventName = "PreJoinNotUsed", Level = LogLevel.Information,
        Message = "Call {CallId}: the edge session joined at registration does not fit the media stream ({Reason}); joining afresh")]
    public static partial void PreJoinNotUsed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 1324, EventName = "PreJoinLeft", Level = LogLevel.Information,
        Message = "Call {CallId}: left the edge call joined at registration, unused ({Reason})")]
    public static partial void PreJoinLeft(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 1325, EventName = "PreJoinLeaveFailed", Level = LogLevel.Warning,
        Message = "Call {CallId}: leaving the unused edge session joined at registration did not finish cleanly")]
    public static partial void PreJoinLeaveFailed(ILogger logger, string callId, Exception exception);
}
