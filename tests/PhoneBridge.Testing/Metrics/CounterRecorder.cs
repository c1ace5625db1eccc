using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PhoneBridge.Testing.Metrics;

/// <summary>
/// Records what one counter (by name) of one host's meters reports, through a <see cref="MeterListener"/>:
/// <paramref name="scope"/> is that host's <c>IMeterFactory</c>, so hosts of tests running alongside do not count.
/// </summary>
public sealed class CounterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public CounterRecorder(string instrumentName, object scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == instrumentName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            Measurements.Enqueue(new Measurement(value, copy));
        });
        _listener.Start();
    }

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    /// <summary>The sum of the values recorded with tag <paramref name="key"/> = <paramref name="value"/> and <paramref name="otherKey"/> = <paramref name="otherValue"/>.</summary>
    public long Sum(string key, string value, string otherKey, string otherValue) =>
        Measurements.Where(m => m.Tags.GetValueOrDefault(key) == value && m.Tags.GetValueOrDefault(otherKey) == otherValue).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    public sealed record Measurement(long Value, IReadOnlyDictionary<string, string?> Tags);
}
