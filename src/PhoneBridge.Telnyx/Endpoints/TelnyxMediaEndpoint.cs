using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Security;
using PhoneBridge.Telnyx.CallControl;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Endpoints;

/// <summary>
/// <c>WS /telnyx/media/{callId}/{token}</c>: the token is claimed before the upgrade is accepted, so an unknown,
/// expired, reused or forged URL never gets a socket; then the stream is bridged until either side ends.
/// </summary>
internal static partial class TelnyxMediaEndpoint
{
    public static async Task<Results<EmptyHttpResult, BadRequest, NotFound, StatusCodeHttpResult>> HandleAsync(
        string callId,
        string token,
        HttpContext context,
        ICallRegistry registry,
        CallBridge bridge,
        TelnyxCallTracker tracker,
        FailedAuthLimiter limiter,
        IOptions<CallRegistryOptions> registryOptions,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(TelnyxMediaEndpoint));
        if (!context.WebSockets.IsWebSocketRequest)
        {
            Log.NotWebSocket(logger);
            return TypedResults.BadRequest();
        }

        RegisteredCall? call = null;
        var claim = CallIds.IsValidCallId(callId)
            ? registry.TryClaim(callId, token, out call)
            : ClaimResult.UnknownCall;
        if (claim != ClaimResult.Claimed || call is null)
        {
            if (limiter.RecordFailure(context.Connection.RemoteIpAddress, "Telnyx media token " + claim))
            {
                Log.ClaimRefused(logger, CallIds.IsValidCallId(callId) ? callId : "(invalid)", claim);
            }

            return claim is ClaimResult.UnknownCall or ClaimResult.Expired
                ? TypedResults.NotFound()
                : TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        var callControlId = call.Info.ProviderCallId
            ?? (tracker.TryFindByCallId(callId, out var tracked) ? tracked.CallControlId : null);
        var services = context.RequestServices;
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        await using var stream = new TelnyxMediaStream(
            socket,
            new TelnyxMediaStreamOptions { StartTimeout = registryOptions.Value.StartTimeout },
            loggerFactory.CreateLogger<TelnyxMediaStream>(),
            timeProvider,
            callControlId,
            (id, ct) => services.GetRequiredService<TelnyxCallControlClient>().HangUpAsync(id, Guid.NewGuid().ToString("N"), ct));
        Log.Accepted(logger, callId);
        try
        {
            await bridge.AttachPhoneToCallAsync(call, stream, "phone-" + callId, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            if (stream.CallControlId is { } id)
            {
                tracker.TryRemove(id, callId);
            }

            Log.Ended(logger, callId);
        }

        return TypedResults.Empty;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2601, Level = LogLevel.Warning, Message = "Request to the Telnyx media endpoint is not a WebSocket upgrade; rejected")]
        public static partial void NotWebSocket(ILogger logger);

        [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Telnyx media socket for call {CallId} refused at the handshake: {Result}")]
        public static partial void ClaimRefused(ILogger logger, string callId, ClaimResult result);

        [LoggerMessage(EventId = 2603, Level = LogLevel.Information, Message = "Telnyx media socket for call {CallId} accepted")]
        public static partial void Accepted(ILogger logger, string callId);

        [LoggerMessage(EventId = 2604, Level = LogLevel.Information, Message = "Telnyx media socket for call {CallId} ended")]
        public static partial void Ended(ILogger logger, string callId);
    }
}
