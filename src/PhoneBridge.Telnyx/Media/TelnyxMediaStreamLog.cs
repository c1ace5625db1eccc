using PhoneBridge.Core.Phone;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Media;

/// <summary>Log messages of <see cref="TelnyxMediaStream"/>: Telnyx's protocol (the socket itself is logged by the shared base). Payloads never appear in them.</summary>
internal static partial class TelnyxMediaStreamLog
{
    [LoggerMessage(EventId = 3201, EventName = "Started", Level = LogLevel.Information,
        Message = "Telnyx media stream {StreamId} started ({CallControlId}): {Encoding} at {SampleRate} Hz")]
    public static partial void Started(ILogger logger, string streamId, string? callControlId, PhoneEncoding encoding, int sampleRate);

    [LoggerMessage(EventId = 3211, EventName = "Ended", Level = LogLevel.Information,
        Message = "Telnyx media stream ended: {FramesReceived} frames in, {FramesSent} frames out; {Reordered} reordered, {Skipped} lost, {Late} late; {ProviderErrors} error events from Telnyx")]
    public static partial void Ended(ILogger logger, long framesReceived, long framesSent, long reordered, long skipped, long late, int providerErrors);

    [LoggerMessage(EventId = 3215, EventName = "ProviderError", Level = LogLevel.Warning,
        Message = "Telnyx reported error {Code} ({Title}) on the media socket; further ones are counted")]
    public static partial void ProviderError(ILogger logger, string code, string title);
}
