using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Http;

/// <summary>Log messages of <see cref="HttpResilienceExtensions"/>' retry handler. Never URLs or bodies.</summary>
internal static partial class HttpResilienceExtensionsLog
{
    [LoggerMessage(EventId = 1600, EventName = "Retrying", Level = LogLevel.Warning,
        Message = "{Client} request failed on try {Attempt} ({Outcome}); retrying in {DelayMs:0} ms")]
    public static partial void Retrying(ILogger logger, string client, int attempt, string outcome, double delayMs);
}
