using Microsoft.AspNetCore.Http.HttpResults;

namespace PhoneBridge.Server.Stats;

public static class FullGcEndpoint
{
    /// <summary>
    /// <c>POST /stats/gc</c>: forces a full, compacting collection and reports the managed heap left after it, so a
    /// soak test can tell a leak from garbage not yet collected. A blocking full GC pauses every call, so it is mapped
    /// inside <c>MapManagement</c>: behind <c>Authorization: Bearer {PhoneBridge:ApiKey}</c> (refused before any
    /// collection without it), or on the management listener only.
    /// </summary>
    public static RouteHandlerBuilder MapFullGc(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPost("/stats/gc", Post)
            .WithName("StatsFullGc")
            .WithTags("Server")
            .WithSummary("Forces a full compacting garbage collection and reports the managed heap left after it (soak tests)");
    }

    internal static Ok<FullGcResponse> Post(TimeProvider time, ILoggerFactory loggers)
    {
        var start = time.GetTimestamp();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        // Objects with finalizers survive the first collection; the second one frees what the finalizers released.
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var took = time.GetElapsedTime(start);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        // GC.GetTotalMemory was seen negative right after these collections (-245 456 in a test), so the live bytes
        // come from the same GC record as the heap size.
        var response = new FullGcResponse(
            info.HeapSizeBytes - info.FragmentedBytes,
            info.HeapSizeBytes,
            info.FragmentedBytes,
            info.TotalCommittedBytes,
            GC.CollectionCount(2),
            took.TotalMilliseconds);
        FullGcEndpointLog.Forced(loggers.CreateLogger(typeof(FullGcEndpoint).FullName!), response.HeapSizeBytes, took.TotalMilliseconds);
        return TypedResults.Ok(response);
    }
}
