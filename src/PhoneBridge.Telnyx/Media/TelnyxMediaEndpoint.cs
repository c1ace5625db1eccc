using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Rest;

namespace PhoneBridge.Telnyx.Media;

/// <summary>
/// <c>WS /telnyx/media/{callId}/{token}</c>: the shared <see cref="PhoneMediaEndpoint"/> claims the token and bridges
/// a <see cref="TelnyxMediaStream"/>, which hangs the call up through Call Control; the tracked call leaves with the
/// socket.
/// </summary>
internal static class TelnyxMediaEndpoint
{
    public static Task<Results<EmptyHttpResult, BadRequest<string>, NotFound, StatusCodeHttpResult>> HandleAsync(
        string callId,
        string token,
        HttpContext context,
        PhoneMediaEndpoint media,
        TelnyxCallTracker tracker,
        IOptions<CallRegistryOptions> registryOptions,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        var services = context.RequestServices;
        return media.HandleAsync(
            context,
            TelnyxProvider.Name,
            callId,
            token,
            (socket, call) => new TelnyxMediaStream(
                socket,
                new TelnyxMediaStreamOptions { StartTimeout = registryOptions.Value.StartTimeout },
                loggerFactory.CreateLogger<TelnyxMediaStream>(),
                timeProvider,
                call.Info.ProviderCallId ?? (tracker.TryFindByCallId(call.CallId, out var tracked) ? tracked.CallControlId : null),
                (id, ct) => services.GetRequiredService<TelnyxCallControlClient>().HangUpAsync(id, Guid.NewGuid().ToString("N"), ct)),
            (call, stream) =>
            {
                if (stream?.CallControlId is { } id)
                {
                    tracker.TryRemove(id, call.CallId);
                }
            });
    }
}
