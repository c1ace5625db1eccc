using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>
/// <c>POST /telnyx/events</c>: hands a verified Call Control event to the processor, and one about a call held by
/// another instance to that instance (<see cref="TelnyxEventForwarding"/>).
/// </summary>
internal static class TelnyxWebhookEndpoint
{
    public static async Task<Results<Ok, BadRequest<string>, StatusCodeHttpResult, ProblemHttpResult>> HandleAsync(
        HttpContext context, TelnyxEventProcessor processor, PublicUrlResolver publicUrls)
    {
        // The filter only lets verified requests through, with the body it verified.
        var verified = context.Features.GetRequiredFeature<TelnyxVerifiedWebhook>();
        var webhook = TelnyxWebhookEvent.Parse(verified.Body.Span);
        if (webhook is null)
        {
            return TypedResults.BadRequest("Not a Telnyx webhook event.");
        }

        var outcome = await processor.HandleAsync(webhook, TelnyxMediaUrl.PublicWebSocketBase(publicUrls, context.Request), context.RequestAborted)
            .ConfigureAwait(false);
        if (outcome == TelnyxWebhookOutcome.Busy)
        {
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (outcome == TelnyxWebhookOutcome.Draining)
        {
            return CallAdmission.Unavailable(context.Response, AdmissionVerdict.Draining);
        }

        // A hangup or verdict about a call whose media another instance holds is acted on there too.
        await TelnyxEventForwarding.ForwardIfElsewhereAsync(context, webhook, outcome, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok();
    }
}
