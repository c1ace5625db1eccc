using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Cluster;

/// <summary>Log events of routing requests between instances (block 1950 of PhoneBridge.Core).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 1950, EventName = "UnknownAction", Level = LogLevel.Warning,
        Message = "Forwarded command {Action} is not known here; answered 501")]
    public static partial void UnknownAction(ILogger logger, string action);

    [LoggerMessage(EventId = 1951, EventName = "OwnerLookupFailed", Level = LogLevel.Warning,
        Message = "Request {Action} for call {CallId} not held here: its owner could not be looked up ({Error}); answered 503")]
    public static partial void OwnerLookupFailed(ILogger logger, string action, string callId, string error);
}
