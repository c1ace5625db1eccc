using PhoneBridge.Telnyx.Calls;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>Log messages of <see cref="TelnyxEventProcessor"/>. Phone numbers never appear in them.</summary>
internal static partial class TelnyxEventProcessorLog
{
    [LoggerMessage(EventId = 3101, EventName = "IncomingCall", Level = LogLevel.Information, Message = "Incoming Telnyx call {CallId} ({CallControlId}) registered; answering")]
    public static partial void IncomingCall(ILogger logger, string callId, string callControlId);

    [LoggerMessage(EventId = 3102, EventName = "DuplicateEvent", Level = LogLevel.Debug, Message = "Duplicate Telnyx {EventType} for {CallControlId} ignored")]
    public static partial void DuplicateEvent(ILogger logger, string eventType, string? callControlId);

    [LoggerMessage(EventId = 3103, EventName = "InitiatedAfterHangup", Level = LogLevel.Information, Message = "Telnyx call.initiated for {CallControlId} arrived after its hangup; not answering")]
    public static partial void InitiatedAfterHangup(ILogger logger, string callControlId);

    [LoggerMessage(EventId = 3104, EventName = "RegistrationRefused", Level = LogLevel.Warning, Message = "Telnyx call {CallControlId} could not be registered: {Reason}")]
    public static partial void RegistrationRefused(ILogger logger, string callControlId, string reason);

    [LoggerMessage(EventId = 3105, EventName = "QueueFull", Level = LogLevel.Warning, Message = "Telnyx command queue full; call {CallControlId} not answered now (Telnyx will retry the webhook)")]
    public static partial void QueueFull(ILogger logger, string callControlId);

    [LoggerMessage(EventId = 3106, EventName = "CallEnded", Level = LogLevel.Information, Message = "Telnyx call {CallId} ({CallControlId}) hung up: {Cause}")]
    public static partial void CallEnded(ILogger logger, string callId, string callControlId, string cause);

    [LoggerMessage(EventId = 3107, EventName = "StreamingChanged", Level = LogLevel.Debug, Message = "Telnyx call {CallId} streaming {State}")]
    public static partial void StreamingChanged(ILogger logger, string callId, TelnyxStreamingState state);

    [LoggerMessage(EventId = 3108, EventName = "StreamingFailed", Level = LogLevel.Warning, Message = "Telnyx media streaming failed for call {CallId} ({CallControlId}): {Reason}; hanging up")]
    public static partial void StreamingFailed(ILogger logger, string callId, string callControlId, string reason);

    [LoggerMessage(EventId = 3109, EventName = "AnswerCodecAdapted", Level = LogLevel.Information, Message = "Telnyx call {CallId} is answered streaming {Codec}, not the configured {Configured}: answer cannot set the two-way sampling rate (dialed calls keep it)")]
    public static partial void AnswerCodecAdapted(ILogger logger, string callId, TelnyxCodec configured, TelnyxCodec codec);

    [LoggerMessage(EventId = 3130, EventName = "MachineDetection", Level = LogLevel.Information, Message = "Telnyx call {CallId}: {EventType} says {Result} ({ProviderResult})")]
    public static partial void MachineDetection(ILogger logger, string callId, string eventType, string result, string providerResult);

    [LoggerMessage(EventId = 3131, EventName = "MachineDetectionForUnknownCall", Level = LogLevel.Information, Message = "Telnyx {EventType} for {CallControlId} ({ProviderResult}) matches no live call; acknowledged and dropped")]
    public static partial void MachineDetectionForUnknownCall(ILogger logger, string eventType, string callControlId, string providerResult);
}
