using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace PhoneBridge.Telnyx.Calls;

/// <summary>
/// Live Telnyx calls by <c>call_control_id</c>. Entries leave on <c>call.hangup</c>, a failed answer or the end of
/// the media socket; ones whose hangup never arrived are dropped after the longest call Telnyx allows.
/// </summary>
internal sealed class TelnyxCallTracker(TimeProvider timeProvider)
{
    /// <summary>Telnyx ends every call after at most four hours (<c>time_limit_secs</c> maximum).</summary>
    public static readonly TimeSpan MaxCallAge = TimeSpan.FromHours(4) + TimeSpan.FromMinutes(5);

    private const int PruneThreshold = 1024;

    private readonly ConcurrentDictionary<string, TelnyxTrackedCall> _calls = new(StringComparer.Ordinal);

    public int Count => _calls.Count;

    public bool TryAdd(string callControlId, string callId, bool outbound, [NotNullWhen(true)] out TelnyxTrackedCall? call)
    {
        if (_calls.Count >= PruneThreshold)
        {
            PruneStale();
        }

        call = new TelnyxTrackedCall(callControlId, callId, outbound, timeProvider.GetUtcNow());
        if (_calls.TryAdd(callControlId, call))
        {
            return true;
        }

        call = null;
        return false;
    }

    public bool TryGet(string callControlId, [NotNullWhen(true)] out TelnyxTrackedCall? call) =>
        _calls.TryGetValue(callControlId, out call);

    public bool TryRemove(string callControlId, [NotNullWhen(true)] out TelnyxTrackedCall? call) =>
        _calls.TryRemove(callControlId, out call);

    /// <summary>Finds a call by our call id (once per media socket, so a scan is fine).</summary>
    public bool TryFindByCallId(string callId, [NotNullWhen(true)] out TelnyxTrackedCall? call)
    {
        foreach (var (_, candidate) in _calls)
        {
            if (string.Equals(candidate.CallId, callId, StringComparison.Ordinal))
            {
                call = candidate;
                return true;
            }
        }

        call = null;
        return false;
    }

    /// <summary>Removes the entry only if it still belongs to <paramref name="callId"/>.</summary>
    public bool TryRemove(string callControlId, string callId) =>
        _calls.TryGetValue(callControlId, out var call)
        && string.Equals(call.CallId, callId, StringComparison.Ordinal)
        && _calls.TryRemove(new KeyValuePair<string, TelnyxTrackedCall>(callControlId, call));

    private void PruneStale()
    {
        var cutoff = timeProvider.GetUtcNow() - MaxCallAge;
        foreach (var (key, call) in _calls)
        {
            if (call.CreatedAt < cutoff)
            {
                _calls.TryRemove(new KeyValuePair<string, TelnyxTrackedCall>(key, call));
            }
        }
    }
}
