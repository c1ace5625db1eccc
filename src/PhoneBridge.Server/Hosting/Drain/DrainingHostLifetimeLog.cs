namespace PhoneBridge.Server.Hosting.Drain;

internal static partial class DrainingHostLifetimeLog
{
    [LoggerMessage(EventId = 6020, EventName = "StoppingNow", Level = LogLevel.Warning,
        Message = "{Signal} received: stopping now; calls still in progress are ended")]
    public static partial void StoppingNow(ILogger logger, string signal);
}
