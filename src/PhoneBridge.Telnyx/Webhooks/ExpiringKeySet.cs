namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>
/// A bounded memory of recently seen keys (webhook ids, call ids). Entries expire after a fixed time and the
/// oldest are forgotten first when full, so a flood of distinct ids costs bounded memory.
/// </summary>
internal sealed class ExpiringKeySet
{
    private readonly Dictionary<string, long> _expiries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long Expiry)> _order = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lifetime;
    private readonly int _capacity;

    public ExpiringKeySet(int capacity, TimeSpan lifetime, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        _capacity = capacity;
        _lifetime = lifetime;
        _timeProvider = timeProvider;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                Prune(Now);
                return _expiries.Count;
            }
        }
    }

    private long Now => _timeProvider.GetUtcNow().UtcTicks;

    /// <summary>Remembers <paramref name="key"/>; false if it is already remembered (a duplicate).</summary>
    public bool TryAdd(string key)
    {
        var now = Now;
        lock (_gate)
        {
            Prune(now);
            if (_expiries.ContainsKey(key))
            {
                return false;
            }

            while (_expiries.Count >= _capacity && _order.TryDequeue(out var oldest))
            {
                if (_expiries.TryGetValue(oldest.Key, out var expiry) && expiry == oldest.Expiry)
                {
                    _expiries.Remove(oldest.Key);
                }
            }

            var expires = now + _lifetime.Ticks;
            _expiries[key] = expires;
            _order.Enqueue((key, expires));
            return true;
        }
    }

    public bool Contains(string key)
    {
        var now = Now;
        lock (_gate)
        {
            Prune(now);
            return _expiries.ContainsKey(key);
        }
    }

    /// <summary>Forgets a key, e.g. when the work it guarded could not be queued and a retry must be let in.</summary>
    public void Remove(string key)
    {
        lock (_gate)
        {
            // The queue entry stays until it expires; its expiry no longer matches, so it is skipped.
            _expiries.Remove(key);
        }
    }

    private void Prune(long now)
    {
        while (_order.TryPeek(out var head) && (head.Expiry <= now || !IsCurrent(head)))
        {
            _order.Dequeue();
            if (IsCurrent(head))
            {
                _expiries.Remove(head.Key);
            }
        }
    }

    private bool IsCurrent((string Key, long Expiry) entry) =>
        _expiries.TryGetValue(entry.Key, out var expiry) && expiry == entry.Expiry;
}
