using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>Log messages of <see cref="TwilioSignatureFilter"/>. Tokens, media URLs and phone numbers never appear in them.</summary>
internal static partial class TwilioSignatureFilterLog
{
    [LoggerMessage(EventId = 2100, EventName = "SignatureRejected", Level = LogLevel.Warning,
        Message = "Rejected Twilio request to {Endpoint} from {RemoteIp}: {Reason}")]
    public static partial void SignatureRejected(ILogger logger, string? endpoint, string? remoteIp, SignatureFailure reason);
}
