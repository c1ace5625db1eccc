namespace PhoneBridge.Server.Stats;

internal static partial class FullGcEndpointLog
{
    [LoggerMessage(EventId = 6100, EventName = "FullGcForced", Level = LogLevel.Information, Message = "Full garbage collection forced through /stats/gc: heap {HeapSizeBytes} bytes after it, {ElapsedMs:0.0} ms")]
    public static partial void Forced(ILogger logger, long heapSizeBytes, double elapsedMs);
}
