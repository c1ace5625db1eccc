using Microsoft.Extensions.Options;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Server.Hosting.Drain;

/// <summary>
/// The drain: from <see cref="Begin"/> on, new calls are refused (<see cref="CallDrain"/>: 503 with <c>Retry-After</c>,
/// <c>/health/ready</c> 503) while the calls of this instance — ringing ones included, so a call registered just
/// before the signal still connects — carry on. It wakes when a call leaves the <see cref="CallDirectory"/> and on a
/// progress timer, never by polling: when none is left it stops the application (exit code 0). At
/// <see cref="ServerOptions.DrainTimeout"/> the calls left are hung up through their provider
/// (<see cref="CallControl.HangUpAsync"/>; released, which ends the bridge and leaves the edge call, when the provider
/// cannot be reached), and the application stops when they are gone, or after <see cref="ServerOptions.ShutdownTimeout"/>
/// more at the latest.
/// </summary>
internal sealed class CallDrainCoordinator(
    CallDrain drain,
    CallDirectory directory,
    ICallRegistry registry,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<ServerOptions> options,
    TimeProvider time,
    ILogger<CallDrainCoordinator> logger) : IDisposable
{
    /// <summary>How often the calls left are logged besides at each call's end.</summary>
    internal static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private ITimer? _progress;
    private ITimer? _deadline;
    private ITimer? _lastResort;
    private long _startedAt;
    private int _stopped;

    /// <summary>Starts the drain (once; later calls do nothing). <paramref name="cause"/> is logged, e.g. the signal.</summary>
    public void Begin(string cause)
    {
        if (!drain.TryBegin())
        {
            return;
        }

        var server = options.Value;
        _startedAt = time.GetTimestamp();
        DrainLog.Started(logger, cause, directory.Count, server.DrainTimeout);
        directory.Removed += OnRemoved;
        lock (_gate)
        {
            _progress = time.CreateTimer(_ => LogProgress(), null, ProgressInterval, ProgressInterval);
            _deadline = time.CreateTimer(_ => _ = HangUpRemainingAsync(), null, server.DrainTimeout, Timeout.InfiniteTimeSpan);
        }

        StopWhenDrained();
    }

    private void OnRemoved(LiveCall call)
    {
        if (Volatile.Read(ref _stopped) == 0)
        {
            DrainLog.CallEnded(logger, call.CallId, directory.Count);
        }

        StopWhenDrained();
    }

    private void LogProgress() => DrainLog.Progress(logger, directory.Count, time.GetElapsedTime(_startedAt));

    private void StopWhenDrained()
    {
        if (directory.Count == 0)
        {
            Stop(drained: true);
        }
    }

    private void Stop(bool drained)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        directory.Removed -= OnRemoved;
        DisposeTimers();
        if (drained)
        {
            DrainLog.Drained(logger, time.GetElapsedTime(_startedAt));
        }
        else
        {
            DrainLog.GaveUp(logger, directory.Count);
        }

        // Off the thread that ended the last call: stopping runs the host's callbacks, which must not run under it.
        _ = Task.Run(lifetime.StopApplication);
    }

    private async Task HangUpRemainingAsync()
    {
        var calls = directory.Calls.ToArray();
        DrainLog.TimedOut(logger, options.Value.DrainTimeout, calls.Length);
        var control = services.GetService<CallControl>();
        using var timeout = new CancellationTokenSource(options.Value.ShutdownTimeout, time);
        await Task.WhenAll(calls.Select(call => HangUpAsync(control, call, timeout.Token))).ConfigureAwait(false);

        lock (_gate)
        {
            if (Volatile.Read(ref _stopped) == 0)
            {
                _lastResort = time.CreateTimer(_ => Stop(drained: false), null, options.Value.ShutdownTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        StopWhenDrained();
    }

    private async Task HangUpAsync(CallControl? control, LiveCall call, CancellationToken cancellationToken)
    {
        try
        {
            if (control is not null)
            {
                await control.HangUpAsync(call, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        catch (Exception e)
        {
            DrainLog.HangUpFailed(logger, call.CallId, call.Provider, e.Message);
        }

        // No call control, or the provider refused: releasing ends the bridge, which hangs up the way it can.
        directory.End(call.CallId, "drain timeout");
        registry.Release(call.CallId);
    }

    private void DisposeTimers()
    {
        lock (_gate)
        {
            _progress?.Dispose();
            _deadline?.Dispose();
            _lastResort?.Dispose();
        }
    }

    public void Dispose() => DisposeTimers();
}
