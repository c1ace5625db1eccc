namespace PhoneBridge.Server.Hosting.Drain;

/// <summary>Log messages of the drain (<see cref="CallDrainCoordinator"/>).</summary>
internal static partial class DrainLog
{
    [LoggerMessage(EventId = 6010, EventName = "DrainStarted", Level = LogLevel.Information,
        Message = "{Cause}: draining. No new calls; {Calls} calls carry on, hung up after PhoneBridge:Server:DrainTimeout {DrainTimeout}")]
    public static partial void Started(ILogger logger, string cause, int calls, TimeSpan drainTimeout);

    [LoggerMessage(EventId = 6011, EventName = "DrainCallEnded", Level = LogLevel.Information,
        Message = "Draining: call {CallId} ended, {Calls} calls left")]
    public static partial void CallEnded(ILogger logger, string callId, int calls);

    [LoggerMessage(EventId = 6012, EventName = "DrainProgress", Level = LogLevel.Information,
        Message = "Draining for {Elapsed}: {Calls} calls left")]
    public static partial void Progress(ILogger logger, int calls, TimeSpan elapsed);

    [LoggerMessage(EventId = 6013, EventName = "Drained", Level = LogLevel.Information,
        Message = "Drained after {Elapsed}: no calls left; stopping")]
    public static partial void Drained(ILogger logger, TimeSpan elapsed);

    [LoggerMessage(EventId = 6014, EventName = "DrainTimedOut", Level = LogLevel.Warning,
        Message = "PhoneBridge:Server:DrainTimeout {DrainTimeout} passed: hanging up the {Calls} calls left through their provider")]
    public static partial void TimedOut(ILogger logger, TimeSpan drainTimeout, int calls);

    [LoggerMessage(EventId = 6015, EventName = "DrainHangUpFailed", Level = LogLevel.Warning,
        Message = "Draining: hanging up call {CallId} through {Provider} failed ({Reason}); releasing it")]
    public static partial void HangUpFailed(ILogger logger, string callId, string provider, string reason);

    [LoggerMessage(EventId = 6016, EventName = "DrainGaveUp", Level = LogLevel.Warning,
        Message = "Draining: {Calls} calls still not ended after their hang-up; stopping anyway")]
    public static partial void GaveUp(ILogger logger, int calls);
}
