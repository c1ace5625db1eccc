using System.Diagnostics;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace PhoneBridge.Rtc.Tests.Transport;

public class ReceiveThreadTimerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static TimeProvider Time =>
        (DatagramReceiveThreads.Shared ?? throw new InvalidOperationException("The shared receive threads need Linux (epoll); the server and CI run on Linux."))
            .Next().TimeProvider;

    [Fact]
    public async Task OneShot_FiresOnce_OnTheReceiveThread_NotBeforeItsDueTime()
    {
        var fired = new TaskCompletionSource<(string? Thread, TimeSpan Elapsed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        var clock = Stopwatch.StartNew();
        using var timer = Time.CreateTimer(
            _ =>
            {
                Interlocked.Increment(ref count);
                fired.TrySetResult((Thread.CurrentThread.Name, clock.Elapsed));
            },
            null,
            TimeSpan.FromMilliseconds(50),
            System.Threading.Timeout.InfiniteTimeSpan);

        var (thread, elapsed) = await fired.Task.WaitAsync(Timeout);
        Assert.StartsWith("PhoneBridge RTC receive", thread, StringComparison.Ordinal);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(50), $"fired after {elapsed.TotalMilliseconds} ms");
        await Task.Delay(200);
        Assert.Equal(1, Volatile.Read(ref count));
    }

    [Fact]
    public async Task Periodic_KeepsFiring_UntilDisposed()
    {
        var count = 0;
        var timer = Time.CreateTimer(_ => Interlocked.Increment(ref count), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(10));
        await WaitUntilAsync(() => Volatile.Read(ref count) >= 5);
        timer.Dispose();

        // A tick taken off the queue just before Dispose may still be running on the receive thread.
        await Task.Delay(250);
        var afterDispose = Volatile.Read(ref count);
        await Task.Delay(200);
        Assert.Equal(afterDispose, Volatile.Read(ref count));
        Assert.False(timer.Change(TimeSpan.Zero, System.Threading.Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task MovedEarlier_FromAnotherThread_WakesTheSleepingThread()
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = Time.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromHours(1), System.Threading.Timeout.InfiniteTimeSpan);
        await Task.Delay(100);
        var clock = Stopwatch.StartNew();
        Assert.True(timer.Change(TimeSpan.FromMilliseconds(20), System.Threading.Timeout.InfiniteTimeSpan));
        await fired.Task.WaitAsync(Timeout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"fired after {clock.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Changed_ToInfinite_OrLater_DoesNotFireAtTheOldTime()
    {
        // The first due time leaves the test thread ample time to make both changes before it.
        var disarmed = 0;
        var postponed = 0;
        using var a = Time.CreateTimer(_ => Interlocked.Increment(ref disarmed), null, TimeSpan.FromSeconds(1), System.Threading.Timeout.InfiniteTimeSpan);
        using var b = Time.CreateTimer(_ => Interlocked.Increment(ref postponed), null, TimeSpan.FromSeconds(1), System.Threading.Timeout.InfiniteTimeSpan);
        a.Change(System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
        b.Change(TimeSpan.FromSeconds(2), System.Threading.Timeout.InfiniteTimeSpan);
        await Task.Delay(TimeSpan.FromSeconds(1.4));
        Assert.Equal(0, Volatile.Read(ref disarmed));
        Assert.Equal(0, Volatile.Read(ref postponed));
        await WaitUntilAsync(() => Volatile.Read(ref postponed) == 1);
        Assert.Equal(0, Volatile.Read(ref disarmed));
    }

    [Fact]
    public async Task PushedLaterManyTimes_TheQueueStaysBounded_AndTheTimerFiresOnceAtItsLastDueTime()
    {
        var thread = (DatagramReceiveThreads.Shared ?? throw new InvalidOperationException("Linux only")).Next();
        var fired = 0;
        using var timer = thread.TimeProvider.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromMinutes(1), System.Threading.Timeout.InfiniteTimeSpan);
        for (var i = 0; i < 20_000; i++)
        {
            timer.Change(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(i), System.Threading.Timeout.InfiniteTimeSpan);
        }

        Assert.InRange(thread.QueuedTimerEntries, 1, 4096);
        timer.Change(TimeSpan.FromMilliseconds(20), System.Threading.Timeout.InfiniteTimeSpan);
        await WaitUntilAsync(() => Volatile.Read(ref fired) == 1);
        await Task.Delay(100);
        Assert.Equal(1, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task ThrowingCallback_DoesNotStopOtherTimers()
    {
        var time = Time;
        using var throwing = time.CreateTimer(_ => throw new InvalidOperationException("boom"), null, TimeSpan.Zero, System.Threading.Timeout.InfiniteTimeSpan);
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var next = time.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromMilliseconds(20), System.Threading.Timeout.InfiniteTimeSpan);
        await fired.Task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task PeriodicTimer_OnTheProvider_Ticks()
    {
        using var periodic = new PeriodicTimer(TimeSpan.FromMilliseconds(10), Time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await periodic.WaitForNextTickAsync().AsTask().WaitAsync(Timeout));
        }
    }

    [Fact]
    public void OutOfRangeTimes_AreRefused()
    {
        using var timer = Time.CreateTimer(_ => { }, null, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.Change(TimeSpan.FromMilliseconds(-2), System.Threading.Timeout.InfiniteTimeSpan));
        Assert.Throws<ArgumentOutOfRangeException>(() => timer.Change(TimeSpan.Zero, TimeSpan.FromDays(60)));
    }

    [Fact]
    public async Task IceAgent_OnTheSystemClock_RunsItsTimersOnItsReceiveThread_AndAFakeClockKeepsItsOwn()
    {
        await using var shared = new IceAgent(new IceAgentOptions { Controlling = true }, NullLogger<IceAgent>.Instance, TimeProvider.System);
        Assert.IsType<ReceiveThreadTimeProvider>(shared.TimerTime);

        await using var own = new IceAgent(new IceAgentOptions { Controlling = true, SharedReceiveThread = false }, NullLogger<IceAgent>.Instance, TimeProvider.System);
        Assert.Same(TimeProvider.System, own.TimerTime);

        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var faked = new IceAgent(new IceAgentOptions { Controlling = true }, NullLogger<IceAgent>.Instance, fake);
        Assert.Same(fake, faked.TimerTime);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Timeout, "timed out");
            await Task.Delay(10);
        }
    }
}
