using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Telnyx.Media;
using PhoneBridge.Telnyx.Rest;

namespace PhoneBridge.Telnyx.Calls;

/// <summary>
/// Our management API for Telnyx calls: place one (<c>POST /telnyx/calls</c>) and end one
/// (<c>DELETE /telnyx/calls/{callControlId}</c>).
/// </summary>
internal static class TelnyxCallsEndpoints
{
    public static async Task<Results<Ok<TelnyxCallResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        TelnyxCallRequest? request, HttpContext context, TelnyxOutboundCalls calls, PublicUrlResolver publicUrls,
        IOptions<TelnyxOptions> options, CallAdmission admission)
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

        // Like POST /calls: not while draining or at the limits (the slot is held until the call is registered).
        using var admitted = admission.Admit(TelnyxProvider.Name);
        if (admitted.Verdict != AdmissionVerdict.Admitted)
        {
            return CallAdmission.Unavailable(context.Response, admitted.Verdict);
        }

        var publicBase = TelnyxMediaUrl.PublicWebSocketBase(publicUrls, context.Request);
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

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> HangUpAsync(
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
