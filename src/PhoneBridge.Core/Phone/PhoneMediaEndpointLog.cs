using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Phone;

/// <summary>Log messages of <see cref="PhoneMediaEndpoint"/>. Tokens never appear in them.</summary>
internal static partial class PhoneMediaEndpointLog
{
    [LoggerMessage(EventId = 1420, EventName = "MediaNotWebSocket", Level = LogLevel.Warning,
        Message = "Request to the {Provider} media endpoint is not a WebSocket upgrade; rejected")]
    public static partial void NotWebSocket(ILogger logger, string provider);

    [LoggerMessage(EventId = 1421, EventName = "MediaClaimRefused", Level = LogLevel.Warning,
        Message = "{Provider} media socket for call {CallId} refused at the handshake: {Result}")]
    public static partial void ClaimRefused(ILogger logger, string provider, string callId, ClaimResult result);

    [LoggerMessage(EventId = 1422, EventName = "MediaAccepted", Level = LogLevel.Information,
        Message = "{Provider} media socket for call {CallId} accepted")]
    public static partial void Accepted(ILogger logger, string provider, string callId);

    [LoggerMessage(EventId = 1423, EventName = "MediaEnded", Level = LogLevel.Information,
        Message = "{Provider} media socket for call {CallId} ended")]
    public static partial void Ended(ILogger logger, string provider, string callId);

    [LoggerMessage(EventId = 1424, EventName = "MediaBridgeFailed", Level = LogLevel.Error,
        Message = "{Provider} media bridge for call {CallId} failed")]
    public static partial void BridgeFailed(ILogger logger, Exception exception, string provider, string callId);
}
