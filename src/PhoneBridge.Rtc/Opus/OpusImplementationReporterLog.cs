using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc.Opus;

internal static partial class OpusImplementationReporterLog
{
    [LoggerMessage(EventId = 5500, EventName = nameof(Native), Level = LogLevel.Information, Message = "Opus codec: native {Version} (PhoneBridge:Rtc:OpusImplementation = {Requested})")]
    public static partial void Native(ILogger logger, OpusImplementation requested, string version);

    [LoggerMessage(EventId = 5501, EventName = nameof(Managed), Level = LogLevel.Information, Message = "Opus codec: Concentus, managed (PhoneBridge:Rtc:OpusImplementation = {Requested}; {Reason})")]
    public static partial void Managed(ILogger logger, OpusImplementation requested, string reason);
}
