using System.Collections.Concurrent;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Load;

/// <summary>
/// Running totals of a load run: the calls still up are read live, ended calls are folded in once, so a
/// snapshot costs one short lock per live call.
/// </summary>
public sealed class LoadTally
{
    private readonly ConcurrentDictionary<TwilioMediaCall, byte> _live = new();
    private readonly Lock _ended = new();
    private int _requested;
    private int _endedCalls;
    private int _failedCalls;
    private long _sent;
    private long _back;
    private long _late;
    private long _lost;
    private DateTimeOffset? _firstDrop;

    /// <summary>When the first call's socket dropped under it (the server closed or vanished); null if none did.</summary>
    public DateTimeOffset? FirstDropAt
    {
        get
        {
            lock (_ended)
            {
                return _firstDrop;
            }
        }
    }

    internal void Start(int calls) => Volatile.Write(ref _requested, calls);

    internal void Connected(TwilioMediaCall call) => _live.TryAdd(call, 0);

    internal void DialFailed()
    {
        lock (_ended)
        {
            _failedCalls++;
        }
    }

    internal void Ended(TwilioMediaCall call, TwilioCallReport report, DateTimeOffset? droppedAt)
    {
        lock (_ended)
        {
            _endedCalls++;
            _sent += report.FramesSent;
            _back += report.FramesEchoed;
            _late += report.FramesLate;
            _lost += report.FramesLost;
            if (droppedAt is { } at)
            {
                _failedCalls++;
                _firstDrop = _firstDrop is { } first && first <= at ? first : at;
            }

            // Removed under the lock so that a snapshot never counts a call both live and ended.
            _live.TryRemove(call, out _);
        }
    }

    public LoadSnapshot Snapshot()
    {
        lock (_ended)
        {
            long sent = _sent, back = _back, late = _late;
            foreach (var call in _live.Keys)
            {
                var progress = call.Progress();
                sent += progress.FramesSent;
                back += progress.FramesEchoed;
                late += progress.FramesLate;
            }

            return new LoadSnapshot(Volatile.Read(ref _requested), _live.Count, _endedCalls, _failedCalls, sent, back, late, _lost);
        }
    }
}
