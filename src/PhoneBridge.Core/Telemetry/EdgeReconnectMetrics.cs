using System.Diagnostics.Metrics;
using PhoneBridge.Core.Bridge;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// <c>phonebridge.edge.reconnects</c>: reconnection attempts of edge sessions to their media server, by strategy;
/// every strategy is published from the start, zero included.
/// </summary>
public sealed class EdgeReconnectMetrics
{
    private static readonly KeyValuePair<string, object?>[] Strategies =
    [
        new(TagNames.Strategy, "fast"),
        new(TagNames.Strategy, "rejoin"),
        new(TagNames.Strategy, "migrate"),
    ];

    private readonly long[] _counts = new long[Strategies.Length];

    public EdgeReconnectMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meterFactory.Create(BridgeCounters.MeterName).CreateObservableCounter(
            "phonebridge.edge.reconnects", Observe, "{reconnect}", "Edge reconnection attempts, by strategy (fast, rejoin, migrate)");
    }

    public long Count(EdgeReconnectStrategy strategy) => Interlocked.Read(ref _counts[(int)strategy]);

    /// <summary>One reconnection attempt with <paramref name="strategy"/> begins.</summary>
    public void Reconnecting(EdgeReconnectStrategy strategy) => Interlocked.Increment(ref _counts[(int)strategy]);

    private Measurement<long>[] Observe()
    {
        var measurements = new Measurement<long>[Strategies.Length];
        for (var i = 0; i < Strategies.Length; i++)
        {
            measurements[i] = new Measurement<long>(Interlocked.Read(ref _counts[i]), Strategies[i]);
        }

        return measurements;
    }
}
