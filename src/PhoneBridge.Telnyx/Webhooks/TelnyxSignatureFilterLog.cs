using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>Log messages of <see cref="TelnyxSignatureFilter"/>.</summary>
internal static partial class TelnyxSignatureFilterLog
{
    [LoggerMessage(EventId = 3121, EventName = "Rejected", Level = LogLevel.Warning, Message = "Telnyx webhook rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, TelnyxSignatureResult reason);

    [LoggerMessage(EventId = 3122, EventName = "TooLarge", Level = LogLevel.Warning, Message = "Telnyx webhook rejected: body larger than {MaxBytes} bytes")]
    public static partial void TooLarge(ILogger logger, int maxBytes);

    [LoggerMessage(EventId = 3123, EventName = "Unreadable", Level = LogLevel.Warning, Message = "Telnyx webhook from {RemoteIp} rejected: body could not be read (answered {Status})")]
    public static partial void Unreadable(ILogger logger, string? remoteIp, int status);
}
