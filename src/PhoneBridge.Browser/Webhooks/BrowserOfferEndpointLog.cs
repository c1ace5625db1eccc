using Microsoft.Extensions.Logging;

namespace PhoneBridge.Browser.Webhooks;

internal static partial class BrowserOfferEndpointLog
{
    [LoggerMessage(EventId = 8100, EventName = "OfferBodyRefused", Level = LogLevel.Warning, Message = "Browser call refused ({Status}): {Reason}")]
    public static partial void BodyRefused(ILogger logger, int status, string reason);
}
