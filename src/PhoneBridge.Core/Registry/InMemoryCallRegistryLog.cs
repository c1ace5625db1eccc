using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Registry;

/// <summary>Log messages of <see cref="InMemoryCallRegistry"/>. Tokens and phone numbers never appear in them.</summary>
internal static partial class InMemoryCallRegistryLog
{
    [LoggerMessage(EventId = 1100, EventName = "Registered", Level = LogLevel.Information,
        Message = "Call {CallId} registered for {Provider}; media socket expected within {TimeoutSeconds} s")]
    public static partial void Registered(ILogger logger, string callId, string provider, double timeoutSeconds);

    [LoggerMessage(EventId = 1101, EventName = "Claimed", Level = LogLevel.Information,
        Message = "Call {CallId} claimed by its media socket")]
    public static partial void Claimed(ILogger logger, string callId);

    // Debug: the media endpoints log a refusal at Warning, once per client address (FailedAuthLimiter); at Warning
    // here a token scanner would get a line per try.
    [LoggerMessage(EventId = 1102, EventName = "ClaimRefused", Level = LogLevel.Debug,
        Message = "Media socket for call {CallId} refused: {Result}")]
    public static partial void ClaimRefused(ILogger logger, string callId, ClaimResult result);

    [LoggerMessage(EventId = 1103, EventName = "Expired", Level = LogLevel.Warning,
        Message = "Call {CallId} expired before its media socket connected")]
    public static partial void Expired(ILogger logger, string callId);

    [LoggerMessage(EventId = 1104, EventName = "Released", Level = LogLevel.Information,
        Message = "Call {CallId} released")]
    public static partial void Released(ILogger logger, string callId);

    [LoggerMessage(EventId = 1105, EventName = "UnclaimedPrepareFailed", Level = LogLevel.Warning,
        Message = "Prepare step of unclaimed call {CallId} failed")]
    public static partial void UnclaimedPrepareFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 1106, EventName = "PreparedDisposeFailed", Level = LogLevel.Warning,
        Message = "Disposing the prepared work of call {CallId} failed")]
    public static partial void PreparedDisposeFailed(ILogger logger, string callId, Exception exception);
}
