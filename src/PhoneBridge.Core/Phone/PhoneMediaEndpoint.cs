using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Core.Phone;

/// <summary>
/// The flow every provider's <c>/&lt;provider&gt;/media/{callId}/{token}</c> shares: the one-time token is claimed
/// before the upgrade is accepted, so a bad, expired or reused URL fails the handshake and never reaches the bridge;
/// then the provider's stream is attached to the call until either side ends or the host stops, and the registry
/// entry is released whatever happens. A provider supplies only how to build its stream (and any protocol check of
/// its own, such as Twilio's upgrade signature, as an endpoint filter).
/// </summary>
/// <remarks>
/// Every refused token answers the same 404, whether the call is unknown, the token wrong, expired or already used,
/// so a prober learns nothing about which calls exist; the reason goes to the log. A request that is not a
/// WebSocket upgrade answers 400 and does not touch the token; a shared registry that cannot be reached, 503.
/// </remarks>
public sealed class PhoneMediaEndpoint(
    ICallRegistry registry,
    CallBridge bridge,
    BridgeCounters counters,
    FailedAuthLimiter limiter,
    IHostApplicationLifetime lifetime,
    ILogger<PhoneMediaEndpoint> logger)
{
    /// <summary>The answers of a media endpoint, for its OpenAPI description.</summary>
    public const string ResponsesDescription =
        "The token is claimed before the upgrade is accepted: an unknown call, a wrong, expired or already used token all answer 404; a request that is not a WebSocket upgrade 400; a shared call registry that cannot be reached 503.";

    /// <param name="provider">The provider's name, as in its routes and logs (<c>twilio</c>, <c>telnyx</c>).</param>
    /// <param name="createStream">Builds the provider's stream on the accepted socket of the claimed call.</param>
    /// <param name="onEnded">
    /// Runs once the stream is over (also when the bridge failed); the stream is null if building it threw.
    /// </param>
    public async Task<Results<EmptyHttpResult, BadRequest<string>, NotFound, StatusCodeHttpResult>> HandleAsync<TStream>(
        HttpContext http,
        string provider,
        string callId,
        string token,
        Func<WebSocket, RegisteredCall, TStream> createStream,
        Action<RegisteredCall, TStream?>? onEnded = null)
        where TStream : WebSocketPhoneStream
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(createStream);
        if (!http.WebSockets.IsWebSocketRequest)
        {
            PhoneMediaEndpointLog.NotWebSocket(logger, provider);
            return TypedResults.BadRequest("Expected a WebSocket upgrade.");
        }

        var validId = CallIds.IsValidCallId(callId);
        ClaimResult claim;
        RegisteredCall? call;
        try
        {
            (claim, call) = validId
                ? await registry.TryClaimAsync(callId, token, http.RequestAborted).ConfigureAwait(false)
                : CallClaim.Refused(ClaimResult.UnknownCall);
        }
        catch (CallRegistryUnavailableException)
        {
            // A shared registry that cannot be reached has logged it; the provider may retry the socket.
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (claim != ClaimResult.Claimed || call is null)
        {
            // Only an address's first refusal is logged; the limiter counts the rest into its per-minute summary.
            if (limiter.RecordFailure(http.Connection.RemoteIpAddress, provider + " media token " + claim))
            {
                // The call id comes from the URL: keep whatever a scanner sends out of the log.
                PhoneMediaEndpointLog.ClaimRefused(logger, provider, validId ? callId : "(invalid)", claim);
            }

            return TypedResults.NotFound();
        }

        try
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            PhoneMediaEndpointLog.Accepted(logger, provider, call.CallId);
            TStream? stream = null;
            try
            {
                stream = createStream(socket, call);
                await using (stream.ConfigureAwait(false))
                {
                    // Shutdown ends the call properly (socket closed, call hung up) instead of dropping it.
                    using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
                    await bridge.AttachPhoneToCallAsync(call, stream, PhoneParticipant.UserId(call.CallId), ended.Token).ConfigureAwait(false);
                    counters.AddFramesDropped(stream.MessagesDropped);
                }
            }
            finally
            {
                onEnded?.Invoke(call, stream);
                PhoneMediaEndpointLog.Ended(logger, provider, call.CallId);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PhoneMediaEndpointLog.BridgeFailed(logger, e, provider, call.CallId);
        }
        finally
        {
            registry.Release(call.CallId);
        }

        return TypedResults.Empty;
    }
}
