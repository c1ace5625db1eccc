using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Bridge;

internal static partial class BridgeLog
{
    [LoggerMessage(EventId = 1200, EventName = "Attached", Level = LogLevel.Information, Message = "Call {CallId}: {Provider} phone stream attached, edge {Edge}")]
    public static partial void Attached(ILogger logger, string callId, string provider, string edge);

    [LoggerMessage(EventId = 1201, EventName = "PhoneStarted", Level = LogLevel.Information, Message = "Call {CallId}: phone stream started ({Encoding} {SampleRate} Hz)")]
    public static partial void PhoneStarted(ILogger logger, string callId, Phone.PhoneEncoding encoding, int sampleRate);

    [LoggerMessage(EventId = 1202, EventName = "Live", Level = LogLevel.Information, Message = "Call {CallId}: edge live after {JoinMs} ms; {FlushedMs} ms of early audio forwarded, {DroppedFrames} frames dropped")]
    public static partial void Live(ILogger logger, string callId, long joinMs, int flushedMs, long droppedFrames);

    [LoggerMessage(EventId = 1203, EventName = "Ended", Level = LogLevel.Information, Message = "Call {CallId} ended: {Reason}")]
    public static partial void Ended(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 1204, EventName = "PrepareFailed", Level = LogLevel.Error, Message = "Call {CallId}: prepare step failed; hanging up")]
    public static partial void PrepareFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 1205, EventName = "JoinFailed", Level = LogLevel.Error, Message = "Call {CallId}: joining edge {Edge} failed; hanging up")]
    public static partial void JoinFailed(ILogger logger, string callId, string edge, Exception exception);

    [LoggerMessage(EventId = 1206, EventName = "PhoneFailed", Level = LogLevel.Warning, Message = "Call {CallId}: phone stream failed")]
    public static partial void PhoneFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 1207, EventName = "EdgeFailed", Level = LogLevel.Warning, Message = "Call {CallId}: edge session failed")]
    public static partial void EdgeFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 1208, EventName = "HangupRequested", Level = LogLevel.Information, Message = "Call {CallId}: edge asked to hang up ({Reason})")]
    public static partial void HangupRequested(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 1209, EventName = "ShutdownStepFailed", Level = LogLevel.Warning, Message = "Call {CallId}: {Step} did not finish cleanly")]
    public static partial void ShutdownStepFailed(ILogger logger, string callId, string step, Exception exception);

    [LoggerMessage(EventId = 1210, EventName = "DuplicateStart", Level = LogLevel.Warning, Message = "Call {CallId}: phone stream started twice; ignoring the second start")]
    public static partial void DuplicateStart(ILogger logger, string callId);

    [LoggerMessage(EventId = 1211, EventName = "DtmfBeforeLive", Level = LogLevel.Debug, Message = "Call {CallId}: more DTMF before the edge is live than the bridge keeps; digit dropped")]
    public static partial void DtmfBeforeLive(ILogger logger, string callId);

    [LoggerMessage(EventId = 1212, EventName = "MediaPipeline", Level = LogLevel.Debug, Message = "Call {CallId}: media pipeline phone to edge {PhoneToEdge}; edge to phone {EdgeToPhone}")]
    public static partial void MediaPipeline(ILogger logger, string callId, string phoneToEdge, string edgeToPhone);

    [LoggerMessage(EventId = 1240, EventName = "PhoneStartTimedOut", Level = LogLevel.Warning, Message = "Call {CallId}: the media socket sent no start message in time; closed, call ended")]
    public static partial void PhoneStartTimedOut(ILogger logger, string callId);

    [LoggerMessage(EventId = 1241, EventName = "PhoneKeepAliveTimedOut", Level = LogLevel.Warning, Message = "Call {CallId}: the phone stopped answering keep-alive pings; media socket aborted, call ended")]
    public static partial void PhoneKeepAliveTimedOut(ILogger logger, string callId);
}
