using PhoneBridge.Core.Phone;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Media;

/// <summary>Log messages of <see cref="TelnyxMediaStream"/>: Telnyx's protocol (the socket itself is logged by the shared base). Payloads never appear in them.</summary>
internal static partial class TelnyxMediaStreamLog
{
    [LoggerMessage(EventId = 3200, EventName = "Connected", Level = LogLevel.Debug,
        Message = "Telnyx media stream connected")]
    public static partial void Connected(ILogger logger);

    [LoggerMessage(EventId = 3201, EventName = "Started", Level = LogLevel.Information,
        Message = "Telnyx media stream {StreamId} started ({CallControlId}): {Encoding} at {SampleRate} Hz")]
    public static partial void Started(ILogger logger, string streamId, string? callControlId, PhoneEncoding encoding, int sampleRate);

    [LoggerMessage(EventId = 3202, EventName = "Stopped", Level = LogLevel.Information,
        Message = "Telnyx media stream stopped by Telnyx")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 3203, EventName = "Malformed", Level = LogLevel.Warning,
        Message = "Telnyx media message is not valid JSON and was skipped ({Error}); further ones are counted")]
    public static partial void Malformed(ILogger logger, string error);

    [LoggerMessage(EventId = 3204, EventName = "UnknownEvent", Level = LogLevel.Warning,
        Message = "Telnyx media message with an unknown event was skipped; further ones are counted")]
    public static partial void UnknownEvent(ILogger logger);

    [LoggerMessage(EventId = 3206, EventName = "BadPayload", Level = LogLevel.Warning,
        Message = "Telnyx media payload is not valid base64 for the codec and was skipped; further ones are counted")]
    public static partial void BadPayload(ILogger logger);

    [LoggerMessage(EventId = 3208, EventName = "UnsupportedFormat", Level = LogLevel.Error,
        Message = "Telnyx media stream format cannot be bridged ({Problem}); closing the socket")]
    public static partial void UnsupportedFormat(ILogger logger, string problem);

    [LoggerMessage(EventId = 3210, EventName = "NoiseSummary", Level = LogLevel.Warning,
        Message = "Telnyx media stream skipped {Malformed} malformed, {Unknown} unknown-event, {Binary} binary, {BadPayload} bad-payload and {Ignored} out-of-place messages, got {ProviderErrors} error events; dropped {Dropped} outbound")]
    public static partial void NoiseSummary(ILogger logger, int malformed, int unknown, int binary, int badPayload, int ignored, int providerErrors, long dropped);

    [LoggerMessage(EventId = 3211, EventName = "Ended", Level = LogLevel.Information,
        Message = "Telnyx media stream ended: {FramesReceived} frames in, {FramesSent} frames out; {Reordered} reordered, {Skipped} lost, {Late} late")]
    public static partial void Ended(ILogger logger, long framesReceived, long framesSent, long reordered, long skipped, long late);

    [LoggerMessage(EventId = 3215, EventName = "ProviderError", Level = LogLevel.Warning,
        Message = "Telnyx reported error {Code} ({Title}) on the media socket; further ones are counted")]
    public static partial void ProviderError(ILogger logger, string code, string title);
}
