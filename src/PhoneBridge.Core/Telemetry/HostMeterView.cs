using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// A metrics view that keeps only this host's instruments. A <see cref="MeterProvider"/> listens to every meter of
/// its name in the process, and a second host there (an embedding application, a test server) creates its own
/// <c>PhoneBridge</c> and ASP.NET Core meters through its own <see cref="IMeterFactory"/>: without this view its
/// instruments would be exported here too, as duplicate series, or as one series whose observed value is whichever
/// host's callback ran last. Meters made outside any factory (no scope) are kept.
/// </summary>
public static class HostMeterView
{
    public static Func<Instrument, MetricStreamConfiguration?> For(IMeterFactory hostMeters)
    {
        ArgumentNullException.ThrowIfNull(hostMeters);
        return instrument => instrument.Meter.Scope is IMeterFactory other && !ReferenceEquals(other, hostMeters)
            ? MetricStreamConfiguration.Drop
            : null;
    }
}
