using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Security;

/// <summary>Log messages of the request guards (failed-authentication limit, webhook body limit). Never tokens or paths.</summary>
internal static partial class RequestGuardLog
{
    [LoggerMessage(4301, LogLevel.Warning, "{Count} more rejections from {Address} in the last minute, reasons: {Reasons}")]
    public static partial void Summary(ILogger logger, int count, string address, string reasons);

    [LoggerMessage(4302, LogLevel.Warning, "Failed authentications from more than {MaxAddresses} addresses; further addresses are counted, not limited")]
    public static partial void TableFull(ILogger logger, int maxAddresses);

    [LoggerMessage(4303, LogLevel.Warning, "{Count} rejections in the last minute from addresses beyond the {MaxAddresses} tracked")]
    public static partial void UntrackedSummary(ILogger logger, long count, int maxAddresses);

    [LoggerMessage(4304, LogLevel.Warning, "Request to {Endpoint} from {RemoteIp} refused: body of {Length} bytes is over PhoneBridge:Server:MaxWebhookBytes ({MaxBytes})")]
    public static partial void BodyTooLarge(ILogger logger, string? endpoint, string? remoteIp, long length, int maxBytes);
}
