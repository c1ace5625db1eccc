using System.Collections.Concurrent;
using PhoneBridge.Audio;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Load;

/// <summary>
/// Runs N simulated Twilio calls at once, all paced by one <see cref="FramePacer"/>, and reads the
/// server's CPU over the window in which every call is up.
/// </summary>
public static class LoadRunner
{
    /// <summary>Total and kernel-mode CPU of a local process, when its id is known; null once it has exited.</summary>
    private static (double Total, double Kernel)? ProcessCpu(int? processId)
    {
        if (processId is not { } pid)
        {
            return null;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return (process.TotalProcessorTime.TotalMilliseconds, process.PrivilegedProcessorTime.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    public static Task<LoadReport> RunAsync(
        HttpClient http, LoadOptions options, TimeProvider time, TextWriter? progress, CancellationToken cancellationToken) =>
        RunAsync(http, options, time, progress, new LoadTally(), cancellationToken);

    /// <summary>
    /// Runs the calls, keeping <paramref name="tally"/> current for a progress line. When the server goes away the
    /// run still ends with a report: dropped calls count as failed and <see cref="LoadReport.ServerGoneAt"/> says when.
    /// </summary>
    public static async Task<LoadReport> RunAsync(
        HttpClient http, LoadOptions options, TimeProvider time, TextWriter? progress, LoadTally tally, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tally);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Calls, 1);
        if (options.Ramp >= options.Duration)
        {
            throw new ArgumentException("The ramp must be shorter than the call duration, or no moment has every call up.");
        }

        var frames = (long)(options.Duration / AudioFrame.Duration);
        // Every call reads the same clip from its own offset; the clip is long enough that a call never
        // repeats a frame, so each echo matches exactly one sent frame.
        var audio = options.EchoMatching == EchoMatching.Markers
            ? CallerAudio.MarkerSignal(options.Duration + TimeSpan.FromSeconds(1), options.MarkerPeriodFrames)
            : CallerAudio.TestSignal(options.Duration + TimeSpan.FromSeconds(1));
        var failures = new ConcurrentQueue<string>();
        var reports = new ConcurrentQueue<TwilioCallReport>();
        var allConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settled = 0;
        tally.Start(options.Calls);
        DateTimeOffset? serverGoneAt = null;
        string? serverGone = null;

        async Task<ServerStats?> ReadStatsAsync()
        {
            var reading = await ServerStats.ReadAsync(http, options.Caller.Server, options.ApiKey, cancellationToken).ConfigureAwait(false);
            if (reading.Unreachable is not null && serverGone is null)
            {
                serverGoneAt = time.GetUtcNow();
                serverGone = reading.Unreachable;
            }

            return reading.Stats;
        }

        (double Total, double Kernel)? ReadProcessCpu()
        {
            var cpu = ProcessCpu(options.ServerProcessId);
            if (cpu is null && options.ServerProcessId is { } pid && serverGone is null)
            {
                serverGoneAt = time.GetUtcNow();
                serverGone = $"process {pid} has exited";
            }

            return cpu;
        }
        using var dials = new SemaphoreSlim(options.MaxConcurrentDials);
        await using var pacer = new FramePacer(time);
        var mediaOptions = new TwilioMediaCallOptions
        {
            LateTolerance = options.LateTolerance,
            EchoMatching = options.EchoMatching,
            MarkerMaxRoundTrip = TimeSpan.FromMilliseconds(20 * options.MarkerPeriodFrames),
        };

        void Settled()
        {
            if (Interlocked.Increment(ref settled) == options.Calls)
            {
                allConnected.TrySetResult();
            }
        }

        async Task RunCallAsync(int index)
        {
            var delay = options.Ramp * index / options.Calls;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }

            TwilioMediaCall? call = null;
            await dials.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                call = await TwilioPhone.DialAsync(http, options.Caller, time, mediaOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SimulatorException or HttpRequestException or System.Net.WebSockets.WebSocketException
                or HandshakeRefusedException or OperationCanceledException)
            {
                failures.Enqueue($"call {index}: {ex.Message}");
                tally.DialFailed();
                Settled();
                return;
            }
            finally
            {
                dials.Release();
            }

            await using (call.ConfigureAwait(false))
            {
                call.Play(audio, frames, pacer, firstFrame: index * 37L % audio.FrameCount);
                tally.Connected(call);
                Settled();
                await call.PlaybackCompleted.ConfigureAwait(false);
                // The socket ended before the caller hung up: the server closed it or vanished.
                DateTimeOffset? droppedAt = call.Completion.IsCompleted ? time.GetUtcNow() : null;
                firstDone.TrySetResult();
                await call.WaitForEchoesAsync(options.EchoGrace, cancellationToken).ConfigureAwait(false);
                await call.HangUpAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                var report = call.Report();
                if (report.Failure is not null)
                {
                    failures.Enqueue($"call {index}: {report.Failure}");
                }
                else if (report.ClosedByServer)
                {
                    failures.Enqueue($"call {index}: closed by the server: {report.CloseStatus} {report.CloseDescription}");
                }

                droppedAt ??= report.Failure is not null || report.ClosedByServer ? time.GetUtcNow() : null;
                tally.Ended(call, report, droppedAt);
                reports.Enqueue(report);
            }
        }

        var running = Enumerable.Range(0, options.Calls).Select(RunCallAsync).ToArray();

        await allConnected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var windowStart = time.GetTimestamp();
        var atPeak = await ReadStatsAsync().ConfigureAwait(false);
        var localAtPeak = ReadProcessCpu();
        var cpuAtPeak = localAtPeak?.Total ?? atPeak?.ProcessCpuMs;
        var connected = options.Calls - failures.Count;
        progress?.WriteLine($"{connected} of {options.Calls} calls up; measuring.");

        await firstDone.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var windowEnd = time.GetTimestamp();
        var localAtEnd = ReadProcessCpu();
        var cpuAtEnd = localAtEnd?.Total;
        var atEnd = await ReadStatsAsync().ConfigureAwait(false);
        cpuAtEnd ??= atEnd?.ProcessCpuMs;

        await Task.WhenAll(running).ConfigureAwait(false);
        var after = await ReadStatsAsync().ConfigureAwait(false);
        if (serverGone is not null && tally.FirstDropAt is { } firstDrop && firstDrop < serverGoneAt)
        {
            // The calls noticed first: their sockets dropped before a stats read was refused.
            serverGoneAt = firstDrop;
        }

        var latencies = new LatencySamples();
        long sent = 0, late = 0, echoed = 0, lost = 0, invalid = 0, markersSent = 0, markersHeard = 0, markersLost = 0, markersEarly = 0;
        var maxLateness = TimeSpan.Zero;
        foreach (var report in reports)
        {
            sent += report.FramesSent;
            late += report.FramesLate;
            echoed += report.FramesEchoed;
            lost += report.FramesLost;
            invalid += report.InvalidMessagesReceived;
            markersSent += report.MarkersSent;
            markersHeard += report.MarkersHeard;
            markersLost += report.MarkersLost;
            markersEarly += report.MarkersBeforeAudio;
            maxLateness = report.MaxSendLateness > maxLateness ? report.MaxSendLateness : maxLateness;
            latencies.AddRange(report.Latencies);
        }

        var dropped = reports.Count(r => r.Failure is not null || r.ClosedByServer);
        return new LoadReport
        {
            CallsRequested = options.Calls,
            CallsConnected = reports.Count,
            CallsDropped = dropped,
            CallsFailed = options.Calls - reports.Count + dropped,
            Failures = [.. failures],
            FramesSent = sent,
            FramesLate = late,
            MaxSendLateness = maxLateness,
            FramesEchoed = echoed,
            FramesLost = lost,
            InvalidMessages = invalid,
            MarkersSent = markersSent,
            MarkersHeard = markersHeard,
            MarkersLost = markersLost,
            MarkersBeforeAudio = markersEarly,
            Calls = [.. reports],
            Latencies = latencies,
            SteadyWindow = time.GetElapsedTime(windowStart, windowEnd),
            CallsInWindow = connected,
            ServerCpuMs = cpuAtEnd - cpuAtPeak,
            FramesInWindow = atEnd?.FramesFromPhone - atPeak?.FramesFromPhone,
            ServerJitMs = atEnd?.JitTimeMs - atPeak?.JitTimeMs,
            ServerKernelCpuMs = localAtEnd?.Kernel - localAtPeak?.Kernel,
            ActiveCallsAtPeak = atPeak?.ActiveCalls,
            ActiveCallsAfter = after?.ActiveCalls,
            ServerGoneAt = serverGoneAt,
            ServerGone = serverGone,
        };
    }
}
