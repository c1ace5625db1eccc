using Microsoft.Extensions.Logging;

namespace PhoneBridge.Redis.Registry;

/// <summary>Log messages of <see cref="RedisCallRegistry"/>. Tokens and phone numbers never appear in them.</summary>
internal static partial class RedisCallRegistryLog
{
    [LoggerMessage(EventId = 8100, EventName = "Registered", Level = LogLevel.Information,
        Message = "Call {CallId} registered in Redis for {Provider}; media socket expected within {TimeoutSeconds} s on any instance")]
    public static partial void Registered(ILogger logger, string callId, string provider, double timeoutSeconds);

    [LoggerMessage(EventId = 8101, EventName = "Claimed", Level = LogLevel.Information,
        Message = "Call {CallId} claimed by its media socket here (registered by {Registrar})")]
    public static partial void Claimed(ILogger logger, string callId, string registrar);

    [LoggerMessage(EventId = 8102, EventName = "ClaimRefused", Level = LogLevel.Debug,
        Message = "Media socket for call {CallId} refused: {Result}")]
    public static partial void ClaimRefused(ILogger logger, string callId, PhoneBridge.Core.Registry.ClaimResult result);

    [LoggerMessage(EventId = 8103, EventName = "Expired", Level = LogLevel.Warning,
        Message = "Call {CallId} expired before its media socket connected to any instance")]
    public static partial void Expired(ILogger logger, string callId);

    [LoggerMessage(EventId = 8104, EventName = "Released", Level = LogLevel.Information,
        Message = "Call {CallId} released")]
    public static partial void Released(ILogger logger, string callId);

    [LoggerMessage(EventId = 8105, EventName = "ClaimedElsewhere", Level = LogLevel.Information,
        Message = "Call {CallId} registered here was claimed by another instance; its early work here is let go")]
    public static partial void ClaimedElsewhere(ILogger logger, string callId);

    [LoggerMessage(EventId = 8106, EventName = "Unavailable", Level = LogLevel.Warning,
        Message = "Redis unreachable while trying to {Operation} call {CallId}: {Reason}")]
    public static partial void Unavailable(ILogger logger, string operation, string callId, string reason);

    [LoggerMessage(EventId = 8107, EventName = "PreparedWorkFailed", Level = LogLevel.Warning,
        Message = "The prepared work of call {CallId} could not be handed over or disposed")]
    public static partial void PreparedWorkFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 8108, EventName = "Reasserted", Level = LogLevel.Information,
        Message = "Redis had lost {Count} call(s) this instance owns (restart); written back")]
    public static partial void Reasserted(ILogger logger, int count);

    [LoggerMessage(EventId = 8109, EventName = "NoticeFailed", Level = LogLevel.Warning,
        Message = "A registry notice about call {CallId} could not be handled")]
    public static partial void NoticeFailed(ILogger logger, string callId, Exception exception);
}
