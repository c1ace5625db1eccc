using System.Globalization;
using System.Net.WebSockets;
using PhoneBridge.Simulator;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>
/// N call slots kept up until <see cref="StopAsync"/>: each slot dials a simulated Twilio call (ramped like the
/// load runner, at most 16 dials at once), plays marker audio from the shared pacer, and when the call ends early
/// reports it on stderr and, when asked, dials again. Totals add the live calls to those already ended.
/// </summary>
internal sealed class SoakCalls(
    HttpClient http, TwilioCallerOptions caller, TimeProvider time, int calls, int markerPeriod, bool replace, CancellationToken ct)
{
    private readonly TwilioMediaCall?[] _live = new TwilioMediaCall?[calls];
    private readonly TaskCompletionSource _allSettled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _dials = new(16);
    private readonly Lock _gate = new();
    private CallTotals _ended;
    private int _settled;
    private int _endedEarly;
    private int _dialFailures;
    private FramePacer? _pacer;

    public Task AllSettled => _allSettled.Task;

    /// <summary>When every slot had dialled once; events before it are "during the ramp".</summary>
    public long? SoakStartedAt { get; set; }

    public int EndedEarly => Volatile.Read(ref _endedEarly);

    public int DialFailures => Volatile.Read(ref _dialFailures);

    public int CallsUp => _live.Count(c => c is not null && !c.Completion.IsCompleted);

    public Task Start(TimeSpan ramp, TimeSpan audioLength)
    {
        _pacer = new FramePacer(time);
        var audio = CallerAudio.MarkerSignal(TimeSpan.FromMinutes(2), markerPeriod);
        var frames = (long)(audioLength.TotalMilliseconds / 20);
        var options = new TwilioMediaCallOptions
        {
            EchoMatching = EchoMatching.Markers,
            MarkerMaxRoundTrip = TimeSpan.FromMilliseconds(20 * markerPeriod),
        };
        return Task.WhenAll(Enumerable.Range(0, calls).Select(i => SlotAsync(i, ramp * i / calls, audio, frames, options)));
    }

    public async Task StopAsync(Task running)
    {
        _stop.TrySetResult();
        await running;
        if (_pacer is not null)
        {
            await _pacer.DisposeAsync();
        }
    }

    public CallTotals Totals()
    {
        CallTotals sum;
        lock (_gate)
        {
            sum = _ended;
        }

        foreach (var call in _live)
        {
            if (call is not null)
            {
                sum += CallTotals.Of(call.Report());
            }
        }

        return sum;
    }

    private async Task SlotAsync(int slot, TimeSpan delay, CallerAudio audio, long frames, TwilioMediaCallOptions options)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, ct);
        }

        var first = true;
        while (!_stop.Task.IsCompleted)
        {
            TwilioMediaCall call;
            await _dials.WaitAsync(ct);
            try
            {
                call = await TwilioPhone.DialAsync(http, caller, time, options, ct);
            }
            catch (Exception ex) when (ex is SimulatorException or HttpRequestException or WebSocketException or HandshakeRefusedException)
            {
                Interlocked.Increment(ref _dialFailures);
                Event($"slot {slot}: dial failed: {ex.Message}");
                if (first)
                {
                    first = false;
                    Settled();
                }

                if (!replace)
                {
                    return;
                }

                // Back off a little so a refusing server is not hammered, but stop waiting when the soak ends.
                await Task.WhenAny(_stop.Task, Task.Delay(TimeSpan.FromSeconds(5), time, ct));
                continue;
            }
            finally
            {
                _dials.Release();
            }

            await using (call)
            {
                call.Play(audio, frames, _pacer!, firstFrame: slot * 37L % audio.FrameCount);
                _live[slot] = call;
                if (first)
                {
                    first = false;
                    Settled();
                }

                if (await Task.WhenAny(call.Completion, _stop.Task) == _stop.Task)
                {
                    await call.HangUpAsync(TimeSpan.FromSeconds(5), ct);
                    End(slot, call.Report());
                    return;
                }

                var report = call.Report();
                End(slot, report);
                Interlocked.Increment(ref _endedEarly);
                Event($"slot {slot}: call ended early ({(report.ClosedByServer ? "closed by the server" : "not closed by the server")}, "
                    + $"close status {report.CloseStatus?.ToString() ?? "none"} '{report.CloseDescription}', failure: {report.Failure ?? "none"}, "
                    + $"{report.FramesSent} frames sent){(replace ? "; dialling a replacement" : "; not replaced")}");
                if (!replace)
                {
                    return;
                }
            }
        }
    }

    private void End(int slot, TwilioCallReport report)
    {
        // Out of the live set first, so a sample never counts the call twice (at worst once not at all).
        _live[slot] = null;
        lock (_gate)
        {
            _ended += CallTotals.Of(report);
        }
    }

    private void Settled()
    {
        if (Interlocked.Increment(ref _settled) == calls)
        {
            _allSettled.TrySetResult();
        }
    }

    private void Event(string what)
    {
        var when = SoakStartedAt is { } start
            ? string.Create(CultureInfo.InvariantCulture, $"minute {time.GetElapsedTime(start).TotalMinutes:0.0}")
            : "during the ramp";
        Console.Error.WriteLine($"[soak {DateTime.UtcNow:HH:mm:ss} UTC, {when}] {what}");
    }
}
