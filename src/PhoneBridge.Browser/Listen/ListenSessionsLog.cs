using Microsoft.Extensions.Logging;

namespace PhoneBridge.Browser.Listen;

internal static partial class ListenSessionsLog
{
    [LoggerMessage(EventId = 8500, EventName = "Listening", Level = LogLevel.Information, Message = "Call {CallId}: a listener joined ({SampleRate} Hz)")]
    public static partial void Listening(ILogger logger, string callId, int sampleRate);

    [LoggerMessage(EventId = 8501, EventName = "ListenerLeft", Level = LogLevel.Information, Message = "Call {CallId}: a listener left: {Reason}")]
    public static partial void Left(ILogger logger, string callId, string reason);

    [LoggerMessage(EventId = 8502, EventName = "ListenRefused", Level = LogLevel.Warning, Message = "Listen-in refused ({Status}) for call {CallId}: {Reason}")]
    public static partial void Refused(ILogger logger, string callId, int status, string reason);
}
