using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Admission;

internal static partial class CallAdmissionLog
{
    [LoggerMessage(EventId = 1900, EventName = "RefusedCalls", Level = LogLevel.Warning,
        Message = "New {Provider} call refused as busy: {Calls} calls here, PhoneBridge:Admission:MaxCalls is {MaxCalls}")]
    public static partial void RefusedCalls(ILogger logger, string provider, int calls, int maxCalls);

    [LoggerMessage(EventId = 1901, EventName = "RefusedCpu", Level = LogLevel.Warning,
        Message = "New {Provider} call refused as busy: process CPU {Cpu:0.0}%, PhoneBridge:Admission:MaxCpuPercent is {MaxCpu}")]
    public static partial void RefusedCpu(ILogger logger, string provider, double cpu, double maxCpu);

    [LoggerMessage(EventId = 1902, EventName = "RefusedDraining", Level = LogLevel.Information,
        Message = "New {Provider} call refused with 503: this instance is draining")]
    public static partial void RefusedDraining(ILogger logger, string provider);
}
