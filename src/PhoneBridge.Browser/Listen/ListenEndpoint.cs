using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Browser.Webhooks;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Browser.Listen;

/// <summary><c>POST /calls/{callId}/listen</c>: a receive-only offer in, the answer of a connection carrying the call's mix out.</summary>
internal static class ListenEndpoint
{
    public static async Task<Results<Ok<ListenAnswer>, ProblemHttpResult>> HandleAsync(
        string callId,
        HttpRequest request,
        CallDirectory directory,
        ListenSessions sessions,
        IOptionsMonitor<BrowserOptions> options,
        ILogger<ListenSessions> logger,
        CancellationToken cancellationToken)
    {
        var loggedId = CallIds.IsValidCallId(callId) ? callId : "(invalid)";
        if (!directory.TryGet(callId, out var call))
        {
            return Refuse(logger, loggedId, StatusCodes.Status404NotFound, "No such call", "This instance has no live call with that id.");
        }

        var (sdp, status, problem) = await SdpOfferReader.ReadAsync(request, options.CurrentValue.MaxSdpBytes, cancellationToken).ConfigureAwait(false);
        if (sdp is null)
        {
            return Refuse(logger, loggedId, status, "Bad offer", problem!);
        }

        var (answer, refusal, why) = await sessions.StartAsync(call, sdp, cancellationToken).ConfigureAwait(false);
        return answer is null
            ? Refuse(logger, loggedId, refusal, refusal == StatusCodes.Status400BadRequest ? "Bad offer" : "Cannot listen now", why!)
            : TypedResults.Ok(answer);
    }

    private static ProblemHttpResult Refuse(ILogger logger, string callId, int status, string title, string detail)
    {
        ListenSessionsLog.Refused(logger, callId, status, detail);
        return TypedResults.Problem(title: title, detail: detail, statusCode: status);
    }
}
