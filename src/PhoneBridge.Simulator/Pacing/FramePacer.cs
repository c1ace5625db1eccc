namespace PhoneBridge.Simulator.Pacing;

/// <summary>
/// One timer for every simulated call: each tick hands the time to every call, which sends the frames
/// its own schedule says are due. Calls compute their slots from their start time, so a late tick is
/// caught up on the next one instead of drifting, and there is no thread or timer per call.
/// </summary>
public sealed class FramePacer : IAsyncDisposable
{
    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(20);

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private IPacedCall[] _calls = [];

    public FramePacer(TimeProvider time, TimeSpan? tick = null)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Tick = tick ?? TimeSpan.FromMilliseconds(5);
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>
    /// How often the pacer wakes. Finer than a frame so a frame leaves within a few ms of its slot even
    /// when timer wake-ups jitter; a call sends nothing on a tick where no frame is due.
    /// </summary>
    public TimeSpan Tick { get; }

    public TimeProvider Time => _time;

    public int Count => Volatile.Read(ref _calls).Length;

    public void Add(IPacedCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        lock (_gate)
        {
            _calls = [.. _calls, call];
        }
    }

    public void Remove(IPacedCall call)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_calls, call);
            if (index >= 0)
            {
                _calls = [.. _calls.AsSpan(0, index), .. _calls.AsSpan(index + 1)];
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = _time.GetTimestamp();
                foreach (var call in Volatile.Read(ref _calls))
                {
                    call.OnTick(now);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
