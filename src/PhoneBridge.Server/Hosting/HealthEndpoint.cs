using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PhoneBridge.Server.Hosting.Management;

namespace PhoneBridge.Server.Hosting;

public static class HealthEndpoint
{
    /// <summary>The tag of the health checks <c>/health/ready</c> runs (drain, Stream coordinator, Redis, …).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// <c>GET /health/live</c>: the process runs and answers (no checks: a restart would not fix a dependency).
    /// <c>GET /health/ready</c> and <c>GET /health</c>: every check tagged <see cref="ReadyTag"/> — 503 while draining
    /// or when a dependency is unreachable, so a load balancer sends new calls elsewhere. All anonymous, answered as
    /// text (Healthy, Degraded: 200; Unhealthy: 503), and served on the management listener too when there is one.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Map(endpoints, "/health/live", "HealthLive", "Liveness probe: the process runs", _ => false);
        Map(endpoints, "/health/ready", "HealthReady", "Readiness probe: not draining and dependencies reachable", IsReadyCheck);
        Map(endpoints, "/health", "Health", "Readiness probe (as /health/ready)", IsReadyCheck);
        return endpoints;
    }

    private static bool IsReadyCheck(HealthCheckRegistration check) => check.Tags.Contains(ReadyTag);

    private static void Map(IEndpointRouteBuilder endpoints, string path, string name, string summary, Func<HealthCheckRegistration, bool> predicate) =>
        endpoints.MapHealthChecks(path, new HealthCheckOptions { Predicate = predicate })
            .WithName(name)
            .WithTags("Server")
            .WithSummary(summary)
            .WithMetadata(
                ManagementEndpointMetadata.PublicToo,
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(string), ["text/plain"]));
}
