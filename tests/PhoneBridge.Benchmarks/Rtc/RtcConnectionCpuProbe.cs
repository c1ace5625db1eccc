using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Audio;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Benchmarks.Rtc;

/// <summary>
/// CPU per bidirectional audio connection, measured in real time: N pairs of peer connections on loopback each
/// exchanging 20 ms Opus frames both ways; after a warm-up (connect, JIT tiering, jitter buffers settled) the process
/// CPU time over S seconds is divided by pairs and seconds. In the same run: bare libopus encode+decode for the same
/// audio with the same encoder settings, and aiortc doing the same exchange (all pairs in one Python process, CPU
/// from getrusage over the same kind of window), once with PhoneBridge's Opus settings and once as shipped.
/// Usage: <c>dotnet run -c Release --project tests/PhoneBridge.Benchmarks -- rtc-cpu [pairs] [seconds] [no-aiortc]</c>
/// (<c>no-aiortc</c> for quick before/after runs of this stack alone).
/// </summary>
public static class RtcConnectionCpuProbe
{
    /// <summary>Media flows this long before the window opens, on both stacks (<c>RTC_CPU_WARMUP</c> seconds overrides).</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("RTC_CPU_WARMUP"), CultureInfo.InvariantCulture, out var s) ? s : 3);

    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        const int rate = 8000;
        var options = new RtcOptions { HostAddresses = ["127.0.0.1"], OpusComplexity = 5 };

        var ours = await MeasureOursAsync(options, pairs, seconds, rate);
        var bare = MeasureBareOpus(options, seconds, rate);
        var withAiortc = !(args.Length > 3 && args[3] == "no-aiortc");
        var aiortc = withAiortc ? await MeasureAiortcAsync(pairs, seconds, "matched") : null;
        var aiortcStock = withAiortc ? await MeasureAiortcAsync(pairs, seconds, "stock") : null;

        Console.WriteLine(FormattableString.Invariant($"pairs={pairs} seconds={seconds} warmup={WarmUp.TotalSeconds}s rate={rate} complexity={options.OpusComplexity}"));
        Console.WriteLine(FormattableString.Invariant($"PhoneBridge.Rtc : {ours * 100:F2} % of a core per bidirectional connection"));
        Console.WriteLine(FormattableString.Invariant($"bare libopus    : {bare * 100:F2} % of a core (encode+decode both directions, same audio, same encoder settings)"));
        Console.WriteLine(aiortc is { } a
            ? FormattableString.Invariant($"aiortc 1.4      : {a * 100:F2} % of a core per bidirectional connection, same Opus settings  (ratio {a / ours:F1}x)")
            : "aiortc          : not measured (no-aiortc given, or /usr/bin/python3 without aiortc)");
        Console.WriteLine(aiortcStock is { } s
            ? FormattableString.Invariant($"aiortc 1.4 stock: {s * 100:F2} % of a core per bidirectional connection, its own 48 kHz stereo Opus  (ratio {s / ours:F1}x)")
            : "aiortc stock    : not measured");
        Console.WriteLine(FormattableString.Invariant($"ours / bare     : {ours / bare:F2}x"));
        return 0;
    }

    private static async Task<double> MeasureOursAsync(RtcOptions options, int pairs, int seconds, int rate)
    {
        var connections = new List<PeerConnection>();
        var tracks = new List<PhoneBridge.Rtc.Media.LocalAudioTrack>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long received = 0;
        for (var i = 0; i < pairs; i++)
        {
            var a = new PeerConnection(options, NullLoggerFactory.Instance, TimeProvider.System) { DefaultReceiveSampleRate = rate };
            var b = new PeerConnection(options, NullLoggerFactory.Instance, TimeProvider.System) { DefaultReceiveSampleRate = rate };
            tracks.Add(a.AddAudioTrack(MediaDirection.SendRecv, rate));
            tracks.Add(b.AddAudioTrack(MediaDirection.SendRecv, rate));
            var up = WhenConnected(a, b);
            var offer = await a.CreateOfferAsync(cts.Token);
            a.SetLocalDescription(offer);
            await b.SetRemoteDescriptionAsync(offer, cts.Token);
            var answer = await b.CreateAnswerAsync(cts.Token);
            b.SetLocalDescription(answer);
            await a.SetRemoteDescriptionAsync(answer, cts.Token);
            await up.WaitAsync(cts.Token);
            foreach (var remote in a.RemoteTracks.Concat(b.RemoteTracks))
            {
                remote.Sink = new FrameSink(pcm => Interlocked.Add(ref received, pcm.Length));
            }

            connections.Add(a);
            connections.Add(b);
        }

        var signal = VoiceLikeSignal.Create(rate, 2);
        var process = Process.GetCurrentProcess();
        var cpuBefore = TimeSpan.Zero;
        var windowStart = TimeSpan.Zero;
        long receivedBefore = 0;
        long allocatedBefore = 0;
        long workItemsBefore = 0;
        var jitBefore = TimeSpan.Zero;
        long sendAllocated = 0;
        var wall = Stopwatch.StartNew();
        var end = WarmUp + TimeSpan.FromSeconds(seconds);

        // The frames come from one dedicated pacing thread, as in the server they come from the phone sockets' own
        // (inline-scheduled) thread; a thread-pool timer here would bill the pool's wake-up and idle spinning after
        // every tick to the connections.
        await Task.Factory.StartNew(
            () =>
            {
                var warm = false;
                long written = 0;
                var frame = rate / 50;
                while (wall.Elapsed < end)
                {
                    var next = TimeSpan.FromMilliseconds((written + 1) * 20) - wall.Elapsed;
                    if (next > TimeSpan.Zero)
                    {
                        Thread.Sleep(next);
                    }

                    if (!warm && wall.Elapsed >= WarmUp)
                    {
                        warm = true;
                        process.Refresh();
                        cpuBefore = process.TotalProcessorTime;
                        windowStart = wall.Elapsed;
                        receivedBefore = Interlocked.Read(ref received);
                        allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                        workItemsBefore = ThreadPool.CompletedWorkItemCount;
                        jitBefore = System.Runtime.JitInfo.GetCompilationTime();
                    }

                    var sendBefore = GC.GetAllocatedBytesForCurrentThread();
                    for (var due = (wall.ElapsedMilliseconds / 20) + 1; written < due; written++)
                    {
                        var offset = (int)(written * frame % (signal.Length - frame));
                        foreach (var t in tracks)
                        {
                            t.WriteFrame(signal.AsSpan(offset, frame));
                        }
                    }

                    if (warm)
                    {
                        sendAllocated += GC.GetAllocatedBytesForCurrentThread() - sendBefore;
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var workItems = ThreadPool.CompletedWorkItemCount - workItemsBefore;
        var jit = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalSeconds;
        var elapsed = (wall.Elapsed - windowStart).TotalSeconds;
        var receivedRatio = (Interlocked.Read(ref received) - receivedBefore) / (pairs * 2.0 * rate * elapsed);
        foreach (var c in connections)
        {
            await c.DisposeAsync();
        }

        Console.WriteLine(FormattableString.Invariant($"PhoneBridge.Rtc received {receivedRatio:P1} of the audio sent in the window"));

        // Every pair sends and receives two packets per 20 ms; the timer loop of this probe is included.
        var packets = pairs * 2 * 50 * elapsed;
        Console.WriteLine(FormattableString.Invariant($"PhoneBridge.Rtc allocated {allocated} bytes in the window, {allocated / packets:F1} bytes per packet sent; the send path (encode, packetize, protect, send) {sendAllocated} bytes"));
        Console.WriteLine(FormattableString.Invariant($"PhoneBridge.Rtc ran {workItems} thread-pool work items in the window, {workItems / elapsed:F0} per second"));
        Console.WriteLine(FormattableString.Invariant($"PhoneBridge.Rtc spent {jit * 1000:F0} ms of the window's {cpu * 1000:F0} ms CPU in the JIT (tiering up rarely run code; a long-running process does not): {(cpu - jit) / elapsed / pairs * 100:F2} % of a core per connection without it"));
        return cpu / elapsed / pairs;
    }

    private static double MeasureBareOpus(RtcOptions options, int seconds, int rate)
    {
        // The encoder settings PeerConnection uses for a sending track.
        using var encoder = new OpusEncoder(new OpusEncoderOptions
        {
            SampleRate = rate,
            Complexity = options.OpusComplexity,
            Bitrate = options.OpusBitrate,
            InbandFec = true,
            PacketLossPercent = options.OpusPacketLossPercent,
        });
        using var decoder = new OpusDecoder(rate);
        var signal = VoiceLikeSignal.Create(rate, 2);
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var pcm = new short[decoder.MaxFrameSize];
        var frame = rate / 50;
        // Process CPU time moves in 10 ms clock ticks, and 10 s of audio is only about 65 ms of codec work: measure
        // two minutes' worth (no real-time pacing here) so the tick is noise below 1 %.
        var audioSeconds = Math.Max(seconds, 120);
        var frames = audioSeconds * 50 * 2;
        // CPU time, not wall time: the box may be shared.
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < frames; i++)
        {
            var offset = i * frame % (signal.Length - frame);
            var n = encoder.Encode(signal.AsSpan(offset, frame), packet);
            decoder.Decode(packet.AsSpan(0, n), pcm);
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalSeconds / audioSeconds;
    }

    private static async Task<double?> MeasureAiortcAsync(int pairs, int seconds, string mode)
    {
        var script = Path.Combine(SourceDirectory(), "aiortc_cpu.py");
        if (!File.Exists("/usr/bin/python3") || !File.Exists(script))
        {
            return null;
        }

        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(pairs.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(WarmUp.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(mode);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var ratio = output.Split('\n').LastOrDefault(l => l.StartsWith("received_ratio=", StringComparison.Ordinal));
        if (ratio is not null)
        {
            Console.WriteLine(FormattableString.Invariant($"aiortc ({mode}) received {double.Parse(ratio["received_ratio=".Length..], CultureInfo.InvariantCulture):P1} of the audio sent in the window"));
        }

        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("cpu_per_pair=", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line["cpu_per_pair=".Length..], CultureInfo.InvariantCulture);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

    private static Task WhenConnected(params PeerConnection[] connections) =>
        Task.WhenAll(connections.Select(pc =>
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pc.StateChanged += s =>
            {
                if (s == PeerConnectionState.Connected)
                {
                    tcs.TrySetResult();
                }
            };
            return tcs.Task;
        }));

    private sealed class FrameSink(Action<ReadOnlySpan<short>> onFrame) : IAudioFrameSink
    {
        public void OnFrame(ReadOnlySpan<short> frame) => onFrame(frame);
    }
}
