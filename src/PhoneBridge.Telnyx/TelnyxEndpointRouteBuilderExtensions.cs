using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Security;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Media;
using PhoneBridge.Telnyx.Webhooks;

namespace PhoneBridge.Telnyx;

public static class TelnyxEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>POST /telnyx/events</c> (signed Call Control webhook), <c>/telnyx/media/{callId}/{token}</c> (tokenized
    /// media socket), and the API-key guarded <c>POST /telnyx/calls</c> and <c>DELETE /telnyx/calls/{callControlId}</c>.
    /// When Telnyx is not configured the group stays empty, so those paths are 404. Bodies are limited to
    /// <c>PhoneBridge:Server:MaxWebhookBytes</c>; failed authentications count toward the per-address limit.
    /// </summary>
    public static RouteGroupBuilder MapTelnyx(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("/" + TelnyxProvider.Name).WithTags("Telnyx");
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<TelnyxOptions>>().Value.IsEnabled)
        {
            return group;
        }

        group.MapPost("/events", TelnyxWebhookEndpoint.HandleAsync)
            .LimitWebhookBody()
            .LimitFailedAuth()
            .ValidateTelnyxSignature()
            .DescribeRequestBody<WebhookEnvelope>("application/json")
            .WithName("TelnyxWebhook")
            .WithSummary("Telnyx Call Control webhook: answers incoming calls with a two-way media stream, tracks call state")
            .WithDescription("Paste {public URL}/telnyx/events into the Call Control Application's webhook URL. 503 when no call slot is free, so Telnyx retries later.");

        var calls = group.MapGroup("/calls").LimitWebhookBody().RequirePhoneBridgeApiKey();
        calls.MapPost("/", TelnyxCallsEndpoints.CreateAsync)
            .WithName("TelnyxCreateCall")
            .WithSummary("Places an outbound Telnyx call whose audio is bridged like an incoming one");
        calls.MapDelete("/{callControlId}", TelnyxCallsEndpoints.HangUpAsync)
            .WithName("TelnyxHangUpCall")
            .WithSummary("Hangs up a Telnyx call by its call_control_id");

        // Map, not MapGet: WebSocket upgrades over HTTP/2 arrive as CONNECT.
        group.Map("/media/{callId}/{token}", TelnyxMediaEndpoint.HandleAsync)
            .LimitFailedAuth()
            .WithMetadata(WebSocketEndpointMetadata.Instance)
            .WithName("TelnyxMediaSocket")
            .WithSummary("Telnyx media stream (WebSocket): the stream_url of answer/dial, valid for one connection")
            .WithDescription("Telnyx's media streaming protocol (connected, start, media, mark, dtmf, error, stop; we send media, mark and clear). " + PhoneMediaEndpoint.ResponsesDescription);

        return group;
    }
}
