namespace PhoneBridge.Rtc.Transport;

/// <summary>
/// The system clock, with timers that fire on one <see cref="DatagramReceiveThread"/>. A connection's ICE and RTCP
/// timers then cost no thread-pool or timer-thread wake-up: while packets flow the thread is awake anyway, and its
/// epoll wait ends at the next due timer.
/// </summary>
internal sealed class ReceiveThreadTimeProvider(DatagramReceiveThread thread) : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ReceiveThreadTimer(thread, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }
}
