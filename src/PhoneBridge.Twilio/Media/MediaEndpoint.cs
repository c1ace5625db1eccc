using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Security;
using PhoneBridge.Twilio.Rest;

namespace PhoneBridge.Twilio.Media;

/// <summary>
/// <c>/twilio/media/{callId}/{token}</c>: the signature filter has already checked the upgrade; here the one-time
/// token is claimed before the socket is accepted, so a bad, expired or reused URL fails the handshake and never
/// reaches the bridge.
/// </summary>
internal static class MediaEndpoint
{
    public static async Task<Results<EmptyHttpResult, BadRequest<string>, NotFound, StatusCodeHttpResult>> HandleAsync(
        HttpContext http,
        string callId,
        string token,
        ICallRegistry registry,
        CallBridge bridge,
        BridgeCounters counters,
        TwilioRestClient twilio,
        IOptionsMonitor<TwilioOptions> options,
        FailedAuthLimiter limiter,
        IOptions<CallRegistryOptions> registryOptions,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(MediaEndpoint).FullName!);
        if (!http.WebSockets.IsWebSocketRequest)
        {
            TwilioLog.MediaNotWebSocket(logger);
            return TypedResults.BadRequest("Expected a WebSocket upgrade.");
        }

        var claim = registry.TryClaim(callId, token, out var call);
        if (claim != ClaimResult.Claimed || call is null)
        {
            if (limiter.RecordFailure(http.Connection.RemoteIpAddress, "Twilio media token " + claim))
            {
                TwilioLog.MediaClaimRefused(logger, Shorten(callId), claim.ToString());
            }

            return claim == ClaimResult.UnknownCall
                ? TypedResults.NotFound()
                : TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            TwilioLog.MediaAccepted(logger, callId);
            var settings = options.CurrentValue;
            await using var stream = new TwilioMediaStream(
                socket,
                new TwilioMediaStreamOptions
                {
                    MaxMessageBytes = settings.MaxMessageBytes,
                    SendQueueCapacity = settings.SendQueueCapacity,
                    StartTimeout = registryOptions.Value.StartTimeout,
                },
                loggers.CreateLogger<TwilioMediaStream>(),
                time,
                twilio.IsConfigured ? async (sid, ct) => await twilio.HangUpAsync(sid, ct).ConfigureAwait(false) : null);

            // Shutdown ends the call properly (socket closed, call hung up) instead of dropping it.
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            await bridge.AttachPhoneToCallAsync(call, stream, "phone-" + call.CallId, ended.Token).ConfigureAwait(false);
            counters.AddFramesDropped(stream.MessagesDropped);
            TwilioLog.MediaEnded(logger, callId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            TwilioLog.MediaBridgeFailed(logger, e, callId);
        }
        finally
        {
            registry.Release(callId);
        }

        return TypedResults.Empty;
    }

    /// <summary>The call id comes from the URL; keep whatever a scanner sends from flooding the log.</summary>
    private static string Shorten(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}
