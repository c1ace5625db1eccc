using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Security;

/// <summary>Log messages of <see cref="FailedAuthLimiter"/>. Never tokens or paths.</summary>
internal static partial class FailedAuthLimiterLog
{
    [LoggerMessage(EventId = 1500, EventName = "RejectionSummary", Level = LogLevel.Warning,
        Message = "{Count} more rejections from {Address} in the last minute, reasons: {Reasons}")]
    public static partial void Summary(ILogger logger, int count, string address, string reasons);

    [LoggerMessage(EventId = 1501, EventName = "AddressTableFull", Level = LogLevel.Warning,
        Message = "Failed authentications from more than {MaxAddresses} addresses; further addresses are counted, not limited")]
    public static partial void TableFull(ILogger logger, int maxAddresses);

    [LoggerMessage(EventId = 1502, EventName = "UntrackedRejectionSummary", Level = LogLevel.Warning,
        Message = "{Count} rejections in the last minute from addresses beyond the {MaxAddresses} tracked")]
    public static partial void UntrackedSummary(ILogger logger, long count, int maxAddresses);
}
