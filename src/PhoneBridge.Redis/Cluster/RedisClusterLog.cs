using Microsoft.Extensions.Logging;

namespace PhoneBridge.Redis.Cluster;

/// <summary>Log messages of the Cluster folder (heartbeat and sweep).</summary>
internal static partial class RedisClusterLog
{
    [LoggerMessage(EventId = 8200, EventName = "HeartbeatFailed", Level = LogLevel.Warning,
        Message = "Instance {InstanceId} cannot reach Redis to heartbeat ({Reason}); calls in progress carry on, new ones wait for Redis")]
    public static partial void HeartbeatFailed(ILogger logger, string instanceId, string reason);

    [LoggerMessage(EventId = 8201, EventName = "HeartbeatResumed", Level = LogLevel.Information,
        Message = "Instance {InstanceId} reaches Redis again; heartbeat resumed")]
    public static partial void HeartbeatResumed(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 8202, EventName = "InstanceLost", Level = LogLevel.Warning,
        Message = "Instance {LostInstanceId} stopped heartbeating; {Count} of its call(s) ended as instance-lost and removed")]
    public static partial void InstanceLost(ILogger logger, string lostInstanceId, int count);

    [LoggerMessage(EventId = 8203, EventName = "LostCallCleanupFailed", Level = LogLevel.Warning,
        Message = "Closing the prepared work of call {CallId} of a lost instance failed")]
    public static partial void LostCallCleanupFailed(ILogger logger, string callId, Exception exception);
}
