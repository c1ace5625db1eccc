using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;

namespace PhoneBridge.Dashboard.Live;

/// <summary>
/// The live call list of every dashboard connection: while anyone watches, it samples the <see cref="CallDirectory"/>
/// every <see cref="DashboardOptions.UpdateInterval"/> (one pass over the calls, no per-frame work), compares with
/// the last sample and sends each connection the same serialized delta (calls added, fields changed, calls removed);
/// a new connection first gets the whole list. Bounded: at most <see cref="DashboardOptions.MaxEventStreams"/>
/// connections, each with a small queue (a client that falls behind is dropped and reconnects to a fresh list).
/// It also keeps the last <see cref="RecentCapacity"/> ended calls, so a call's page can still show how it ended.
/// </summary>
internal sealed class CallListFeed : IDisposable
{
    public const int RecentCapacity = 64;

    /// <summary>Quiet updates after which a comment line is sent, so dead connections are noticed.</summary>
    private const int KeepAliveTicks = 60;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly CallDirectory _directory;
    private readonly IOptionsMonitor<CallListOptions> _listOptions;
    private readonly IOptionsMonitor<DashboardOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CallListFeed> _logger;
    private readonly string _edgeName;
    private readonly Lock _gate = new();
    private readonly List<CallListSubscription> _subscribers = [];
    private readonly Dictionary<string, LiveCall> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private Dictionary<string, (LiveCall Call, CallRow Row)> _rows = new(StringComparer.Ordinal);
    private ITimer? _timer;
    private int _quietTicks;

    public CallListFeed(
        CallDirectory directory, IOptionsMonitor<CallListOptions> listOptions, IOptionsMonitor<DashboardOptions> options, IEdge edge,
        TimeProvider time, ILogger<CallListFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(edge);
        _directory = directory;
        _listOptions = listOptions;
        _options = options;
        _time = time;
        _logger = logger;
        _edgeName = edge is LocalEchoEdge ? CallRow.EchoEdge : edge.Name;
    }

    public int Connections
    {
        get { lock (_gate) { return _subscribers.Count; } }
    }

    /// <summary>A new connection, its first event the whole list; null when <see cref="DashboardOptions.MaxEventStreams"/> are open.</summary>
    public CallListSubscription? Subscribe()
    {
        List<CallListSubscription>? dropped;
        CallListSubscription subscription;
        lock (_gate)
        {
            if (_subscribers.Count >= _options.CurrentValue.MaxEventStreams)
            {
                return null;
            }

            // A fresh sample, so the new list is current; whoever watched already gets what changed.
            dropped = Broadcast(Sample());
            subscription = new CallListSubscription();
            subscription.Offer(Event("snapshot", new { calls = _rows.Values.Select(r => r.Row).OrderBy(r => r.StartedAt).ThenBy(r => r.Id, StringComparer.Ordinal) }));
            _subscribers.Add(subscription);
            if (_timer is null)
            {
                var interval = _options.CurrentValue.UpdateInterval;
                _timer = _time.CreateTimer(static s => ((CallListFeed)s!).Tick(), this, interval, interval);
            }
        }

        DropAll(dropped);
        return subscription;
    }

    public void Unsubscribe(CallListSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_gate)
        {
            _subscribers.Remove(subscription);
            if (_subscribers.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }

        subscription.Dispose();
    }

    /// <summary>A live call, or one of the last ended ones this feed saw leave.</summary>
    public bool TryFind(string callId, out LiveCall? call)
    {
        if (_directory.TryGet(callId, out call))
        {
            return true;
        }

        lock (_gate)
        {
            if (_rows.TryGetValue(callId, out var row))
            {
                call = row.Call;
                return true;
            }

            return _recent.TryGetValue(callId, out call);
        }
    }

    public CallRow Row(LiveCall call) => CallRow.Of(call, _listOptions.CurrentValue.ShowFullNumber, _edgeName);

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Tick()
    {
        // A tick that finds the previous one still running skips: the next one sends what changed meanwhile.
        if (!_gate.TryEnter())
        {
            return;
        }

        List<CallListSubscription>? dropped = null;
        try
        {
            if (_subscribers.Count == 0)
            {
                return;
            }

            var delta = Sample();
            if (delta is null && ++_quietTicks >= KeepAliveTicks)
            {
                _quietTicks = 0;
                delta = ": keep-alive\n\n";
            }

            dropped = Broadcast(delta);
        }
        finally
        {
            _gate.Exit();
        }

        DropAll(dropped);
    }

    /// <summary>Samples the directory (under the lock); the serialized delta since the last sample, or null when nothing changed.</summary>
    private string? Sample()
    {
        var showFullNumber = _listOptions.CurrentValue.ShowFullNumber;
        var next = new Dictionary<string, (LiveCall Call, CallRow Row)>(_rows.Count, StringComparer.Ordinal);
        List<CallRow>? added = null;
        List<Dictionary<string, object?>>? changed = null;
        foreach (var call in _directory.Calls)
        {
            var row = CallRow.Of(call, showFullNumber, _edgeName);
            next[call.CallId] = (call, row);
            if (!_rows.TryGetValue(call.CallId, out var before))
            {
                (added ??= []).Add(row);
            }
            else if (row.ChangesSince(before.Row) is { } changes)
            {
                (changed ??= []).Add(changes);
            }
        }

        List<string>? removed = null;
        foreach (var (id, before) in _rows)
        {
            if (!next.ContainsKey(id))
            {
                (removed ??= []).Add(id);
                Remember(before.Call);
            }
        }

        _rows = next;
        if (added is null && changed is null && removed is null)
        {
            return null;
        }

        _quietTicks = 0;
        return Event("delta", new { added = added ?? [], changed = changed ?? [], removed = removed ?? [] });
    }

    private void Remember(LiveCall call)
    {
        if (_recent.TryAdd(call.CallId, call))
        {
            _recentOrder.Enqueue(call.CallId);
            if (_recentOrder.Count > RecentCapacity)
            {
                _recent.Remove(_recentOrder.Dequeue());
            }
        }
    }

    /// <summary>Queues the message on every connection (under the lock); returns the ones too slow to take it.</summary>
    private List<CallListSubscription>? Broadcast(string? message)
    {
        if (message is null)
        {
            return null;
        }

        List<CallListSubscription>? dropped = null;
        foreach (var subscription in _subscribers)
        {
            if (!subscription.Offer(message))
            {
                (dropped ??= []).Add(subscription);
            }
        }

        foreach (var subscription in dropped ?? [])
        {
            _subscribers.Remove(subscription);
        }

        return dropped;
    }

    private void DropAll(List<CallListSubscription>? dropped)
    {
        foreach (var subscription in dropped ?? [])
        {
            DashboardLog.SlowClientDropped(_logger, CallListSubscription.Capacity);
            subscription.Drop();
        }

        lock (_gate)
        {
            if (_subscribers.Count == 0 && _timer is not null)
            {
                _timer.Dispose();
                _timer = null;
            }
        }
    }

    private static string Event(string name, object data)
    {
        var builder = new StringBuilder(256);
        builder.Append("event: ").Append(name).Append('\n');
        builder.Append("data: ").Append(JsonSerializer.Serialize(data, Json)).Append("\n\n");
        return builder.ToString();
    }
}
