using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Cluster;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// <c>GET /calls</c> with several instances: this instance's calls and those of every other instance that answers
/// in time (each lists its own, as <c>calls.list</c>), in one list ordered as a single instance orders it. Alone,
/// the list is this instance's, as before.
/// </summary>
internal sealed class CallListAcrossInstances : IEndpointFilter
{
    public const string Action = "calls.list";

    /// <summary>How another instance's <c>calls.list</c> is answered here: this instance's own list.</summary>
    public static Task<IResult> ListHere(HttpContext http) => Task.FromResult<IResult>(CallsEndpoints.List(
        http.RequestServices.GetRequiredService<CallDirectory>(), http.RequestServices.GetRequiredService<IOptionsMonitor<CallListOptions>>()));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var local = await next(context).ConfigureAwait(false);
        var services = context.HttpContext.RequestServices;
        var router = services.GetRequiredService<ICallRouter>();
        if (!router.IsClustered || local is not Ok<CallResponse[]> { Value: { } mine })
        {
            return local;
        }

        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var all = new List<CallResponse>(mine);
        var replies = await router.SendToOthersAsync(new CallCommand(Action, "*"), context.HttpContext.RequestAborted).ConfigureAwait(false);
        foreach (var reply in replies)
        {
            if (reply.IsSuccess && reply.Body is { } body && JsonSerializer.Deserialize<CallResponse[]>(body, json) is { } theirs)
            {
                all.AddRange(theirs);
            }
        }

        return TypedResults.Ok(all
            .DistinctBy(call => call.CallId, StringComparer.Ordinal)
            .OrderBy(call => call.StartedAt)
            .ThenBy(call => call.CallId, StringComparer.Ordinal)
            .ToArray());
    }
}
