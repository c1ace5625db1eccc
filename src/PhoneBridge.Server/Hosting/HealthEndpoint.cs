namespace PhoneBridge.Server.Hosting;

public static class HealthEndpoint
{
    /// <summary><c>GET /health</c>: the health checks' verdict as text (Healthy, 200; Unhealthy, 503).</summary>
    public static IEndpointConventionBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapHealthChecks("/health")
            .WithName("Health")
            .WithTags("Server")
            .WithSummary("Liveness probe")
            .WithMetadata(
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(string), ["text/plain"]));
    }
}
