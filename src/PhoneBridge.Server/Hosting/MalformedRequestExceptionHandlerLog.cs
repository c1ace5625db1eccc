namespace PhoneBridge.Server.Hosting;

internal static partial class MalformedRequestExceptionHandlerLog
{
    [LoggerMessage(EventId = 6001, EventName = "MalformedRequest", Level = LogLevel.Warning, Message = "Malformed request to {Endpoint} from {RemoteIp} answered {Status}: {Reason}")]
    public static partial void Malformed(ILogger logger, string? endpoint, string? remoteIp, int status, string reason);
}
