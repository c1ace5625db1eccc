using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Recording;

/// <summary>Log messages of call recording. File names are call ids; phone numbers never appear.</summary>
internal static partial class RecordingLog
{
    [LoggerMessage(EventId = 1800, EventName = "RecordingStarted", Level = LogLevel.Information,
        Message = "Call {CallId}: recording to {File} ({SampleRate} Hz stereo)")]
    public static partial void Started(ILogger logger, string callId, string file, int sampleRate);

    [LoggerMessage(EventId = 1801, EventName = "RecordingStopped", Level = LogLevel.Information,
        Message = "Call {CallId}: recording {File} stopped after {Seconds} s; frames dropped: {CallerDropped} caller, {HeardDropped} heard")]
    public static partial void Stopped(ILogger logger, string callId, string file, double seconds, long callerDropped, long heardDropped);

    [LoggerMessage(EventId = 1802, EventName = "RecordingFailed", Level = LogLevel.Error,
        Message = "Call {CallId}: recording {File} failed and was stopped; the call goes on")]
    public static partial void Failed(ILogger logger, string callId, string file, Exception exception);
}
