using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneBridge.Core.Telemetry;

public static class MetricsEndpointExtensions
{
    public const string Path = "/metrics";

    /// <summary>
    /// <c>GET /metrics</c>: the Prometheus text exposition of every instrument (<c>AddTelemetry</c> registers the
    /// exporter). A plain endpoint with no protection of its own: the caller adds it (an API key, a host, a port). With
    /// telemetry off (<c>OTEL_SDK_DISABLED=true</c>) it answers 404 and says why.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var builder = endpoints.ServiceProvider.GetService<TelemetrySwitch>() is { Enabled: true }
            ? endpoints.MapPrometheusScrapingEndpoint(Path)
            : endpoints.MapGet(Path, () => TypedResults.NotFound("Telemetry is off (OTEL_SDK_DISABLED=true or AddTelemetry not called)."));
        return builder
            .WithName("Metrics")
            .WithTags("Server")
            .WithSummary("Prometheus scrape endpoint: the PhoneBridge meter, ASP.NET Core and HttpClient metrics");
    }
}
