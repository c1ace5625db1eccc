using System.Diagnostics.Metrics;
using PhoneBridge.Core.Bridge;

namespace PhoneBridge.Core.Telemetry;

/// <summary><c>phonebridge.edge.reconnects</c>: reconnections of an edge session to its media server, by strategy.</summary>
public sealed class EdgeReconnectMetrics
{
    private readonly Counter<long> _reconnects;

    public EdgeReconnectMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _reconnects = meterFactory.Create(BridgeCounters.MeterName)
            .CreateCounter<long>("phonebridge.edge.reconnects", "{reconnect}", "Edge reconnections attempted, by strategy (fast, rejoin, migrate)");
    }

    /// <summary>One reconnection attempt with <paramref name="strategy"/> (lower case: <c>fast</c>, <c>rejoin</c>, <c>migrate</c>).</summary>
    public void Reconnecting(string strategy) => _reconnects.Add(1, new KeyValuePair<string, object?>(TagNames.Strategy, strategy));
}
