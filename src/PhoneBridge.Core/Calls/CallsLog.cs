using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// Log messages of the management API <c>/calls</c>: one line per control action, accepted or refused. Phone
/// numbers, digits and provider error texts never appear in them.
/// </summary>
internal static partial class CallsLog
{
    [LoggerMessage(EventId = 1700, EventName = "Dialled", Level = LogLevel.Information,
        Message = "Call {CallId} placed through {Provider} into edge call {EdgeCall}")]
    public static partial void Dialled(ILogger logger, string callId, string provider, string edgeCall);

    [LoggerMessage(EventId = 1701, EventName = "HungUp", Level = LogLevel.Information,
        Message = "Call {CallId} hung up through the API ({Provider})")]
    public static partial void HungUp(ILogger logger, string callId, string provider);

    [LoggerMessage(EventId = 1702, EventName = "Transferred", Level = LogLevel.Information,
        Message = "Call {CallId}: {Mode} transfer accepted by {Provider}; leg {LegCallId}")]
    public static partial void Transferred(ILogger logger, string callId, string mode, string provider, string? legCallId);

    [LoggerMessage(EventId = 1703, EventName = "DtmfSent", Level = LogLevel.Information,
        Message = "Call {CallId}: {DigitCount} DTMF digits of {ToneMs} ms sent {Path}")]
    public static partial void DtmfSent(ILogger logger, string callId, int digitCount, int toneMs, string path);

    [LoggerMessage(EventId = 1704, EventName = "HoldChanged", Level = LogLevel.Information,
        Message = "Call {CallId} held: {Held} (changed: {Changed})")]
    public static partial void HoldChanged(ILogger logger, string callId, bool held, bool changed);

    [LoggerMessage(EventId = 1705, EventName = "ProviderRefused", Level = LogLevel.Warning,
        Message = "{Action} of call {CallId} failed at {Provider}: status {ProviderStatus}, code {ProviderCode}")]
    public static partial void ProviderRefused(ILogger logger, string action, string callId, string provider, int? providerStatus, string? providerCode);

    [LoggerMessage(EventId = 1706, EventName = "Refused", Level = LogLevel.Information,
        Message = "{Action} of call {CallId} refused with {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string action, string callId, int status, string reason);

    [LoggerMessage(EventId = 1707, EventName = "WarmLegCancelled", Level = LogLevel.Information,
        Message = "Call {CallId} ended while its warm-transfer leg {LegCallId} had not answered: the leg is hung up")]
    public static partial void WarmLegCancelled(ILogger logger, string callId, string legCallId);

    [LoggerMessage(EventId = 1708, EventName = "WarmLegCancelFailed", Level = LogLevel.Warning,
        Message = "Warm-transfer leg {LegCallId} could not be hung up at {Provider}; it is released here and its media will be refused")]
    public static partial void WarmLegCancelFailed(ILogger logger, string legCallId, string provider, Exception exception);
}
