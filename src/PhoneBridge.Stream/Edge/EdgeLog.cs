using Microsoft.Extensions.Logging;
using PhoneBridge.Stream.Sfu;

namespace PhoneBridge.Stream.Edge;

internal static partial class EdgeLog
{
    [LoggerMessage(EventId = 4500, EventName = "Joined", Level = LogLevel.Information, Message = "Call {CallId} joined Stream call {CallType}:{StreamCallId}")]
    public static partial void Joined(ILogger logger, string callId, string callType, string streamCallId);

    [LoggerMessage(EventId = 4501, EventName = "DtmfFailed", Level = LogLevel.Warning, Message = "Could not send DTMF for call {CallId} to Stream: {Reason}")]
    public static partial void DtmfFailed(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 4502, EventName = "Ended", Level = LogLevel.Information, Message = "Stream side of call {CallId} ended ({Kind}): {Reason}")]
    public static partial void Ended(ILogger logger, string callId, SfuSessionEndKind kind, string reason);

    [LoggerMessage(EventId = 4503, EventName = "HangupRequested", Level = LogLevel.Information, Message = "Hangup of call {CallId} requested from the Stream call: {Reason}")]
    public static partial void HangupRequested(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 4504, EventName = "DtmfDropped", Level = LogLevel.Debug, Message = "DTMF queue of call {CallId} full; dropping the oldest digit")]
    public static partial void DtmfDropped(ILogger logger, string callId);

    [LoggerMessage(EventId = 4505, EventName = "PhoneUserUpdated", Level = LogLevel.Debug, Message = "Phone user of call {CallId} updated with what its media stream started with")]
    public static partial void PhoneUserUpdated(ILogger logger, string callId);

    [LoggerMessage(EventId = 4506, EventName = "PhoneUserUpdateFailed", Level = LogLevel.Warning, Message = "Could not update the phone user of call {CallId} with what its media stream started with: {Reason}")]
    public static partial void PhoneUserUpdateFailed(ILogger logger, string callId, string reason);
}
