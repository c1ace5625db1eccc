namespace PhoneBridge.Simulator.Measurement;

/// <summary>Round-trip latencies in microseconds; percentiles by nearest rank.</summary>
public sealed class LatencySamples
{
    private int[] _values = new int[256];

    public int Count { get; private set; }

    public void Add(TimeSpan latency)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[Count++] = (int)Math.Min(int.MaxValue, latency.Ticks / TimeSpan.TicksPerMicrosecond);
    }

    public void AddRange(LatencySamples other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < other.Count; i++)
        {
            Add(TimeSpan.FromMicroseconds(other._values[i]));
        }
    }

    /// <summary>The <paramref name="percentile"/> (0–100) by nearest rank, or null with no samples.</summary>
    public TimeSpan? Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return null;
        }

        var sorted = _values.AsSpan(0, Count).ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(percentile / 100 * Count);
        return TimeSpan.FromMicroseconds(sorted[Math.Clamp(rank - 1, 0, Count - 1)]);
    }

    public TimeSpan? Max => Percentile(100);
}
