using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary><c>POST /telnyx/events</c>: hands a verified Call Control event to the processor.</summary>
internal static class TelnyxWebhookEndpoint
{
    public static Results<Ok, BadRequest<string>, StatusCodeHttpResult, ProblemHttpResult> Handle(
        HttpContext context, TelnyxEventProcessor processor, PublicUrlResolver publicUrls)
    {
        // The filter only lets verified requests through, with the body it verified.
        var verified = context.Features.GetRequiredFeature<TelnyxVerifiedWebhook>();
        var webhook = TelnyxWebhookEvent.Parse(verified.Body.Span);
        if (webhook is null)
        {
            return TypedResults.BadRequest("Not a Telnyx webhook event.");
        }

        return processor.Handle(webhook, TelnyxMediaUrl.PublicWebSocketBase(publicUrls, context.Request)) switch
        {
            TelnyxWebhookOutcome.Busy => TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable),
            TelnyxWebhookOutcome.Draining => CallAdmission.Unavailable(context.Response, AdmissionVerdict.Draining),
            _ => TypedResults.Ok(),
        };
    }
}
