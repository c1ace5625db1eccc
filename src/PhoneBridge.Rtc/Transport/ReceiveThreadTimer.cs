namespace PhoneBridge.Rtc.Transport;

/// <summary>
/// A timer whose callback runs on a <see cref="DatagramReceiveThread"/>. Its state is guarded by the thread's timer
/// lock; each <see cref="Change"/> bumps <see cref="Generation"/>, so entries queued for an earlier schedule are
/// skipped when they come due instead of being searched for and removed.
/// </summary>
internal sealed class ReceiveThreadTimer : ITimer
{
    /// <summary>The longest due time or period <see cref="System.Threading.Timer"/> accepts (0xfffffffe ms).</summary>
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly DatagramReceiveThread _thread;

    internal ReceiveThreadTimer(DatagramReceiveThread thread, TimerCallback callback, object? state)
    {
        _thread = thread;
        Callback = callback;
        State = state;
    }

    internal TimerCallback Callback { get; }

    internal object? State { get; }

    internal long Generation { get; set; }

    /// <summary>The period in stopwatch ticks; 0 for a one-shot.</summary>
    internal long Period { get; set; }

    internal bool Disposed { get; set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, nameof(dueTime));
        Validate(period, nameof(period));
        return _thread.Schedule(this, dueTime, period);
    }

    public void Dispose() => _thread.Cancel(this);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Validate(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && (value < TimeSpan.Zero || value > MaxInterval))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be Timeout.InfiniteTimeSpan, or between zero and 0xfffffffe milliseconds.");
        }
    }
}
