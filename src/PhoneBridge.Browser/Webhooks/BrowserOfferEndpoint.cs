using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Browser.Media;
using PhoneBridge.Core.Admission;

namespace PhoneBridge.Browser.Webhooks;

/// <summary>
/// <c>POST /browser/calls</c>: where a browser call comes in, as a phone call comes in through its provider's webhook.
/// The browser's complete offer in; the call registered, its connection answered and the bridge started; the call id
/// and the answer out.
/// </summary>
internal static class BrowserOfferEndpoint
{
    public static async Task<Results<Ok<BrowserCallAnswer>, ProblemHttpResult>> HandleAsync(
        HttpRequest request,
        BrowserCalls calls,
        IOptionsMonitor<BrowserOptions> options,
        ILogger<BrowserCalls> logger,
        CallAdmission admission,
        CancellationToken cancellationToken)
    {
        // A browser call is a call like any other: not while draining or at the instance's limits.
        using var admitted = admission.Admit(BrowserProvider.Name);
        if (admitted.Verdict != AdmissionVerdict.Admitted)
        {
            return CallAdmission.Unavailable(request.HttpContext.Response, admitted.Verdict);
        }

        var (sdp, status, problem) = await SdpOfferReader.ReadAsync(request, options.CurrentValue.MaxSdpBytes, cancellationToken).ConfigureAwait(false);
        if (sdp is null)
        {
            BrowserOfferEndpointLog.BodyRefused(logger, status, problem!);
            return TypedResults.Problem(title: "Bad offer", detail: problem, statusCode: status);
        }

        var (answer, refusal, why) = await calls.StartAsync(sdp, cancellationToken).ConfigureAwait(false);
        return answer is null
            ? TypedResults.Problem(title: refusal == StatusCodes.Status400BadRequest ? "Bad offer" : "Cannot take the call now", detail: why, statusCode: refusal)
            : TypedResults.Ok(answer);
    }
}
