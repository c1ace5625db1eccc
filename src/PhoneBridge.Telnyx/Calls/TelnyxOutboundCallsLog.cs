using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Calls;

/// <summary>Log messages of <see cref="TelnyxOutboundCalls"/>. Phone numbers never appear in them.</summary>
internal static partial class TelnyxOutboundCallsLog
{
    [LoggerMessage(EventId = 3401, EventName = "OutboundCallDialed", Level = LogLevel.Information, Message = "Dialed Telnyx call {CallId} ({CallControlId}), streaming {Codec}")]
    public static partial void Dialed(ILogger logger, string callId, string callControlId, TelnyxCodec codec);

    [LoggerMessage(EventId = 3402, EventName = "OutboundCallHungUp", Level = LogLevel.Information, Message = "Hung up Telnyx call {CallControlId}; was live: {WasLive}")]
    public static partial void HungUp(ILogger logger, string callControlId, bool wasLive);
}
