using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Calls;

/// <summary>Log messages of <see cref="TelnyxCallControl"/>. Phone numbers and DTMF digits never appear in them.</summary>
internal static partial class TelnyxCallControlLog
{
    [LoggerMessage(EventId = 3410, EventName = "CallTransferred", Level = LogLevel.Information,
        Message = "Telnyx call {CallId} ({CallControlId}) transferred through the API")]
    public static partial void Transferred(ILogger logger, string callId, string callControlId);

    [LoggerMessage(EventId = 3411, EventName = "DtmfSent", Level = LogLevel.Information,
        Message = "Sent {DigitCount} DTMF digits to Telnyx call {CallId} ({CallControlId})")]
    public static partial void DtmfSent(ILogger logger, string callId, string callControlId, int digitCount);
}
