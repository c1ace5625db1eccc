using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static PhoneBridge.Rtc.Transport.LinuxSocketNative;

namespace PhoneBridge.Rtc.Transport;

/// <summary>
/// The thread's timers: a queue ordered by due time, served between epoll waits, with the wait's timeout ending at
/// the earliest one. Another thread that moves a timer earlier than the thread's current wake-up writes the eventfd.
/// </summary>
internal sealed unsafe partial class DatagramReceiveThread
{
    /// <summary>The eventfd's epoll data; registration ids start at 1.</summary>
    private const long WakeId = 0;

    /// <summary>Stamped while the thread runs, so schedules made meanwhile never write the eventfd.</summary>
    private const long Awake = long.MinValue;

    private static readonly double StopwatchTicksPerTimeSpanTick = Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond;

    private readonly int _wakeFd;
    private readonly Lock _timerGate = new();
    private readonly PriorityQueue<(ReceiveThreadTimer Timer, long Generation), long> _timers = new();

    /// <summary>When the sleeping thread will wake by itself (stopwatch ticks), or <see cref="Awake"/>.</summary>
    private long _wakesAt = Awake;

    /// <summary>Queue length above which entries of changed or disposed timers are dropped.</summary>
    private int _compactAbove = MinCompactAbove;

    private const int MinCompactAbove = 1024;

    /// <summary>The system clock with timers that fire on this thread.</summary>
    public TimeProvider TimeProvider { get; }

    internal bool Schedule(ReceiveThreadTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        bool wake;
        lock (_timerGate)
        {
            if (timer.Disposed)
            {
                return false;
            }

            timer.Generation++;
            timer.Period = period == Timeout.InfiniteTimeSpan ? 0 : ToStopwatchTicks(period);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            var due = Stopwatch.GetTimestamp() + ToStopwatchTicks(dueTime);
            _timers.Enqueue((timer, timer.Generation), due);
            CompactLocked();
            wake = due < _wakesAt;
            if (wake)
            {
                _wakesAt = due;
            }
        }

        if (wake)
        {
            ulong one = 1;
            _ = Write(_wakeFd, (byte*)&one, sizeof(ulong));
        }

        return true;
    }

    /// <summary>Entries in the queue, live or not (tests).</summary>
    internal int QueuedTimerEntries
    {
        get
        {
            lock (_timerGate)
            {
                return _timers.Count;
            }
        }
    }

    internal void Cancel(ReceiveThreadTimer timer)
    {
        lock (_timerGate)
        {
            timer.Disposed = true;
            timer.Generation++;
        }
    }

    /// <summary>
    /// A timer pushed later again and again (an agent rescheduling on every check it answers) leaves one dead entry per
    /// change until its old due time; past a threshold that doubles with the live entries, the dead ones are dropped,
    /// so the queue stays within about twice the armed timers at an amortised constant cost per change.
    /// </summary>
    private void CompactLocked()
    {
        if (_timers.Count <= _compactAbove)
        {
            return;
        }

        var live = new List<((ReceiveThreadTimer Timer, long Generation) Element, long Priority)>(_timers.Count);
        foreach (var item in _timers.UnorderedItems)
        {
            if (item.Element.Generation == item.Element.Timer.Generation)
            {
                live.Add(item);
            }
        }

        _timers.Clear();
        _timers.EnqueueRange(live);
        _compactAbove = Math.Max(MinCompactAbove, 2 * _timers.Count);
    }

    private static long ToStopwatchTicks(TimeSpan value) => (long)Math.Ceiling(value.Ticks * StopwatchTicksPerTimeSpanTick);

    private static int CreateWakeFd(int epoll)
    {
        var fd = EventFd(0, EfdCloexec | EfdNonBlock);
        if (fd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        if (!EpollAdd(epoll, fd, WakeId))
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        return fd;
    }

    private void ResetWakeFd()
    {
        ulong count;
        _ = Read(_wakeFd, (byte*)&count, sizeof(ulong));
    }

    /// <summary>The epoll timeout in milliseconds (-1: no timer), rounded up so a timer is never run early.</summary>
    private int NextTimeout()
    {
        lock (_timerGate)
        {
            // Entries of timers changed or disposed since they were queued are dropped here rather than waited for.
            while (_timers.TryPeek(out var entry, out _) && entry.Generation != entry.Timer.Generation)
            {
                _timers.Dequeue();
            }

            if (!_timers.TryPeek(out _, out var due))
            {
                _wakesAt = long.MaxValue;
                return -1;
            }

            _wakesAt = due;
            var remaining = due - Stopwatch.GetTimestamp();
            return remaining <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency));
        }
    }

    private void AwakeAfterWait()
    {
        lock (_timerGate)
        {
            _wakesAt = Awake;
        }
    }

    private void RunDueTimers()
    {
        while (true)
        {
            TimerCallback callback;
            object? state;
            lock (_timerGate)
            {
                var now = Stopwatch.GetTimestamp();
                if (!_timers.TryPeek(out var entry, out var due) || due > now)
                {
                    return;
                }

                _timers.Dequeue();
                var timer = entry.Timer;
                if (entry.Generation != timer.Generation)
                {
                    continue;
                }

                if (timer.Period > 0)
                {
                    // Periods count from the due time, not from when the thread got to it, so they do not drift.
                    var next = due + timer.Period;
                    _timers.Enqueue((timer, timer.Generation), next > now ? next : now + timer.Period);
                }
                else
                {
                    timer.Generation++;
                }

                callback = timer.Callback;
                state = timer.State;
            }

            try
            {
                callback(state);
            }
#pragma warning disable CA1031 // A timer callback's exception must not end the thread (and the process); owners log their own.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
