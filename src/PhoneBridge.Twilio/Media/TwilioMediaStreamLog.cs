using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Media;

/// <summary>Log messages of <see cref="TwilioMediaStream"/>: Twilio's protocol (the socket itself is logged by the shared base). Payloads never appear in them.</summary>
internal static partial class TwilioMediaStreamLog
{
    [LoggerMessage(EventId = 2200, EventName = "Connected", Level = LogLevel.Debug,
        Message = "Twilio media stream connected")]
    public static partial void Connected(ILogger logger);

    [LoggerMessage(EventId = 2201, EventName = "Started", Level = LogLevel.Information,
        Message = "Twilio media stream {StreamSid} started (CallSid {CallSid})")]
    public static partial void Started(ILogger logger, string streamSid, string? callSid);

    [LoggerMessage(EventId = 2202, EventName = "Stopped", Level = LogLevel.Information,
        Message = "Twilio media stream stopped by Twilio")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 2203, EventName = "Malformed", Level = LogLevel.Warning,
        Message = "Twilio media message is not valid JSON and was skipped ({Error}); further ones are counted")]
    public static partial void Malformed(ILogger logger, string error);

    [LoggerMessage(EventId = 2204, EventName = "UnknownEvent", Level = LogLevel.Warning,
        Message = "Twilio media message with an unknown event was skipped; further ones are counted")]
    public static partial void UnknownEvent(ILogger logger);

    [LoggerMessage(EventId = 2206, EventName = "BadPayload", Level = LogLevel.Warning,
        Message = "Twilio media payload is not valid base64 and was skipped; further ones are counted")]
    public static partial void BadPayload(ILogger logger);

    [LoggerMessage(EventId = 2208, EventName = "UnsupportedFormat", Level = LogLevel.Error,
        Message = "Twilio media stream format cannot be bridged ({Problem}); closing the socket")]
    public static partial void UnsupportedFormat(ILogger logger, string problem);

    [LoggerMessage(EventId = 2210, EventName = "NoiseSummary", Level = LogLevel.Warning,
        Message = "Twilio media stream skipped {Malformed} malformed, {Unknown} unknown-event, {Binary} binary, {BadPayload} bad-payload and {Ignored} out-of-place messages; dropped {Dropped} outbound")]
    public static partial void NoiseSummary(ILogger logger, int malformed, int unknown, int binary, int badPayload, int ignored, long dropped);

    [LoggerMessage(EventId = 2211, EventName = "Ended", Level = LogLevel.Information,
        Message = "Twilio media stream ended: {FramesReceived} frames in, {FramesSent} frames out")]
    public static partial void Ended(ILogger logger, long framesReceived, long framesSent);
}
