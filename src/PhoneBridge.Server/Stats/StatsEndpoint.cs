using Microsoft.AspNetCore.Http.HttpResults;
using PhoneBridge.Core.Bridge;

namespace PhoneBridge.Server.Stats;

public static class StatsEndpoint
{
    /// <summary>
    /// <c>GET /stats</c>: what a load test needs to compute CPU per call and frame loss. Mapped inside
    /// <c>MapManagement</c>: behind the API key, or on the management listener only.
    /// </summary>
    public static RouteHandlerBuilder MapStats(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet("/stats", Get)
            .WithName("Stats")
            .WithTags("Server")
            .WithSummary("Process CPU, managed allocations and bridge counters since start (load tests, dashboards)");
    }

    internal static Ok<StatsResponse> Get(BridgeCounters counters) =>
        TypedResults.Ok(new StatsResponse(
            (long)Environment.CpuUsage.TotalTime.TotalMilliseconds,
            counters.ActiveCalls,
            counters.CallsTotal,
            counters.FramesFromPhone,
            counters.FramesToPhone,
            counters.FramesDropped,
            GC.GetTotalAllocatedBytes(),
            GC.CollectionCount(0),
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds));
}
