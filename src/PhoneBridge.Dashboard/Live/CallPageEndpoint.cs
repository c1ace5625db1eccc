using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Dashboard.Live;

/// <summary><c>GET /dashboard/api/calls/{callId}</c>: one call's page data, live or among the last ended ones.</summary>
internal static class CallPageEndpoint
{
    public static Results<Ok<CallPageResponse>, ProblemHttpResult> Get(
        string callId, HttpContext context, CallListFeed feed, IOptionsMonitor<CallListOptions> listOptions)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (callId.Length > 128 || !feed.TryFind(callId, out var call) || call is null)
        {
            return TypedResults.Problem(title: "Not Found", detail: "No live or recently ended call has this id.", statusCode: StatusCodes.Status404NotFound);
        }

        return TypedResults.Ok(CallPageResponse.Of(call, feed.Row(call), listOptions.CurrentValue.ShowFullNumber));
    }
}
