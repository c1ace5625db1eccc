using Microsoft.Extensions.Configuration;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// Whether telemetry runs at all: <c>OTEL_SDK_DISABLED=true</c> (the OpenTelemetry variable, from the environment or
/// any configuration source) leaves the SDK, its exporters, the ASP.NET Core and HttpClient listeners and the quality
/// sampler out entirely, so the same build can be measured with and without telemetry.
/// </summary>
public sealed record TelemetrySwitch(bool Enabled)
{
    public const string DisabledKey = "OTEL_SDK_DISABLED";

    /// <summary>Set when OTLP export is wanted; the exporter reads it (and the other <c>OTEL_EXPORTER_OTLP_*</c> keys) itself.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static TelemetrySwitch From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var disabled = configuration[DisabledKey];
        return new TelemetrySwitch(!string.Equals(disabled?.Trim(), "true", StringComparison.OrdinalIgnoreCase));
    }
}
