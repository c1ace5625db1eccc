using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Security;
using PhoneBridge.Telnyx.CallControl;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Webhooks;

namespace PhoneBridge.Telnyx.Endpoints;

internal static class TelnyxEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/telnyx").WithTags("Telnyx");
        group.MapPost("/events", HandleEvent)
            .LimitWebhookBody()
            .LimitFailedAuth()
            .ValidateTelnyxSignature()
            .DescribeRequestBody<WebhookEnvelope>("application/json")
            .WithName("TelnyxWebhook")
            .WithSummary("Telnyx Call Control webhook: answers incoming calls with a two-way media stream, tracks call state")
            .WithDescription("Paste {public URL}/telnyx/events into the Call Control Application's webhook URL. 503 when no call slot is free, so Telnyx retries later.");

        var calls = group.MapGroup("/calls").LimitWebhookBody().RequirePhoneBridgeApiKey();
        calls.MapPost("/", PlaceCallAsync)
            .WithName("TelnyxCreateCall")
            .WithSummary("Places an outbound Telnyx call whose audio is bridged like an incoming one");
        calls.MapDelete("/{callControlId}", HangUpAsync)
            .WithName("TelnyxHangUpCall")
            .WithSummary("Hangs up a Telnyx call by its call_control_id");

        // Map, not MapGet: WebSocket upgrades over HTTP/2 arrive as CONNECT.
        group.Map("/media/{callId}/{token}", TelnyxMediaEndpoint.HandleAsync)
            .LimitFailedAuth()
            .WithMetadata(WebSocketEndpointMetadata.Instance)
            .WithName("TelnyxMediaSocket")
            .WithSummary("Telnyx media stream (WebSocket): the stream_url of answer/dial, valid for one connection")
            .WithDescription("Telnyx's media streaming protocol (connected, start, media, mark, dtmf, error, stop; we send media, mark and clear). The token is claimed before the upgrade is accepted: unknown or expired 404, reused or forged 403.");
    }

    private static Results<Ok, BadRequest<string>, StatusCodeHttpResult> HandleEvent(
        HttpContext context, TelnyxEventProcessor processor, PublicUrlResolver publicUrls)
    {
        // The filter only lets verified requests through, with the body it verified.
        var verified = context.Features.GetRequiredFeature<TelnyxVerifiedWebhook>();
        var webhook = TelnyxWebhookEvent.Parse(verified.Body.Span);
        if (webhook is null)
        {
            return TypedResults.BadRequest("Not a Telnyx webhook event.");
        }

        return processor.Handle(webhook, WebSocketBase(publicUrls, context.Request)) == TelnyxWebhookOutcome.Busy
            ? TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok();
    }

    private static async Task<Results<Ok<TelnyxCallResponse>, ValidationProblem, ProblemHttpResult>> PlaceCallAsync(
        TelnyxCallRequest? request, HttpContext context, TelnyxOutboundCalls calls, PublicUrlResolver publicUrls,
        IOptions<TelnyxOptions> options)
    {
        if (string.IsNullOrWhiteSpace(request?.To) || string.IsNullOrWhiteSpace(request.From))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["to"] = ["Both 'to' and 'from' are required."],
            });
        }

        if (string.IsNullOrWhiteSpace(options.Value.ConnectionId))
        {
            return TypedResults.Problem(
                "Telnyx:ConnectionId (the Call Control App id) is not configured.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var publicBase = WebSocketBase(publicUrls, context.Request);
        try
        {
            var call = await calls.PlaceCallAsync(request.To, request.From, publicBase, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Ok(new TelnyxCallResponse(call.CallId, call.CallControlId));
        }
        catch (TelnyxApiException e)
        {
            return ProviderProblem(e);
        }
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> HangUpAsync(
        string callControlId, TelnyxOutboundCalls calls, HttpContext context)
    {
        try
        {
            return await calls.HangUpAsync(callControlId, context.RequestAborted).ConfigureAwait(false)
                ? TypedResults.NoContent()
                : TypedResults.NotFound();
        }
        catch (TelnyxApiException e)
        {
            return ProviderProblem(e);
        }
    }

    private static Uri WebSocketBase(PublicUrlResolver publicUrls, HttpRequest request) =>
        new(PublicUrlResolver.ToWebSocketUrl(publicUrls.GetBaseUrl(request)), UriKind.Absolute);

    private static ProblemHttpResult ProviderProblem(TelnyxApiException e) =>
        TypedResults.Problem(
            detail: e.Message,
            statusCode: StatusCodes.Status502BadGateway,
            title: "Telnyx refused the request",
            extensions: new Dictionary<string, object?>
            {
                ["telnyxStatus"] = (int?)e.StatusCode,
                ["errors"] = e.Errors.Select(x => new { code = x.Code, title = x.Title }).ToArray(),
            });
}
