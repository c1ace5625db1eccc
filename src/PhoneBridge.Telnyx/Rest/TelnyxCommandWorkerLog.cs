using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Rest;

/// <summary>Log messages of <see cref="TelnyxCommandWorker"/>.</summary>
internal static partial class TelnyxCommandWorkerLog
{
    [LoggerMessage(EventId = 3301, EventName = "Answered", Level = LogLevel.Information, Message = "Answered Telnyx call {CallId} ({CallControlId}), streaming {Codec}")]
    public static partial void Answered(ILogger logger, string callId, string callControlId, TelnyxCodec codec);

    [LoggerMessage(EventId = 3302, EventName = "HangUpCommandDone", Level = LogLevel.Information, Message = "Hangup of Telnyx call {CallControlId} ({Reason}); call was live: {WasLive}")]
    public static partial void HungUp(ILogger logger, string callControlId, string reason, bool wasLive);

    [LoggerMessage(EventId = 3304, EventName = "CommandFailed", Level = LogLevel.Error, Message = "Telnyx {Command} for {CallControlId} failed: {Error}")]
    public static partial void CommandFailed(ILogger logger, string command, string callControlId, string error);
}
