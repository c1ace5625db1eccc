using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PhoneBridge.Core.Bridge;

namespace PhoneBridge.Core.Telemetry;

public static class TelemetryHostingExtensions
{
    /// <summary>
    /// OpenTelemetry for the server: the <c>PhoneBridge</c> meter and activity source, ASP.NET Core and HttpClient
    /// instrumentation (tokens and query strings redacted), the Prometheus exporter behind <c>MapMetrics</c>, OTLP
    /// export of both signals when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and the call-quality sampler. With
    /// <c>OTEL_SDK_DISABLED=true</c> none of that is registered (the instruments exist and nobody listens).
    /// </summary>
    public static TBuilder AddTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddTelemetryInstruments(services);
        var telemetry = TelemetrySwitch.From(builder.Configuration);
        services.TryAddSingleton(telemetry);
        if (!telemetry.Enabled)
        {
            return builder;
        }

        services.AddHostedService<CallQualitySampler>();
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("phonebridge"))
            .WithMetrics(metrics => metrics
                .AddMeter(BridgeCounters.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(CallTracing.SourceName)
                .AddAspNetCoreInstrumentation(options =>
                {
                    // The scrape itself is not worth a trace.
                    options.Filter = http => !http.Request.Path.StartsWithSegments(MetricsEndpointExtensions.Path, StringComparison.OrdinalIgnoreCase);
                    options.EnrichWithHttpRequest = HttpTraceRedaction.EnrichServerRequest;
                    options.EnrichWithHttpResponse = HttpTraceRedaction.EnrichServerResponse;
                })
                .AddHttpClientInstrumentation(options => options.EnrichWithHttpRequestMessage = HttpTraceRedaction.EnrichClientRequest));
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) => metrics.AddView(HostMeterView.For(provider.GetRequiredService<IMeterFactory>())));
        if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetrySwitch.OtlpEndpointKey]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>The instruments recorded outside the bridge (webhook refusals, edge reconnects, call quality). Idempotent.</summary>
    public static IServiceCollection AddTelemetryInstruments(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton<WebhookMetrics>();
        services.TryAddSingleton<EdgeReconnectMetrics>();
        services.TryAddSingleton<CallQualityMetrics>();
        return services;
    }
}
