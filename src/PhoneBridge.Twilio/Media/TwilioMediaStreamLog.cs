using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Media;

/// <summary>Log messages of <see cref="TwilioMediaStream"/>: Twilio's protocol (the socket itself is logged by the shared base). Payloads never appear in them.</summary>
internal static partial class TwilioMediaStreamLog
{
    [LoggerMessage(EventId = 2201, EventName = "Started", Level = LogLevel.Information,
        Message = "Twilio media stream {StreamSid} started (CallSid {CallSid})")]
    public static partial void Started(ILogger logger, string streamSid, string? callSid);

    [LoggerMessage(EventId = 2211, EventName = "Ended", Level = LogLevel.Information,
        Message = "Twilio media stream ended: {FramesReceived} frames in, {FramesSent} frames out")]
    public static partial void Ended(ILogger logger, long framesReceived, long framesSent);
}
