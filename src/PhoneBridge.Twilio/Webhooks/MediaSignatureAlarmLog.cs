using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>Log messages of <see cref="MediaSignatureAlarm"/>. Tokens, media URLs and phone numbers never appear in them.</summary>
internal static partial class MediaSignatureAlarmLog
{
    [LoggerMessage(EventId = 2101, EventName = "MediaSignatureRefused", Level = LogLevel.Error,
        Message = "Refused a Twilio media WebSocket upgrade: its X-Twilio-Signature could not be verified ({Reason}). Twilio reports this to the " +
        "call as error 31920 (Stream - WebSocket - Handshake Error) and the call gets no audio. If every call fails this way, the " +
        "URL Twilio signs for the upgrade differs from the one checked here (proxy, PhoneBridge:PublicUrl, port); set " +
        "Twilio:ValidateMediaSignature=false and the one-time token in the media URL alone authenticates the socket. Logged once per process.")]
    public static partial void MediaSignatureRefused(ILogger logger, SignatureFailure reason);
}
