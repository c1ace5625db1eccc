using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Benchmarks.Rtc;

/// <summary>
/// CPU per bidirectional audio connection, measured in real time: N pairs of peer connections on loopback each
/// exchanging 20 ms Opus frames both ways for S seconds; process CPU time divided by pairs and seconds. In the same
/// run: bare libopus encode+decode for the same audio, and aiortc doing the same exchange (two peers in one Python
/// process, CPU from getrusage). Usage: <c>dotnet run -c Release --project tests/PhoneBridge.Benchmarks -- rtc-cpu [pairs] [seconds]</c>.
/// </summary>
public static class RtcConnectionCpuProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pairs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        const int rate = 8000;

        var ours = await MeasureOursAsync(pairs, seconds, rate);
        var bare = MeasureBareOpus(seconds, rate);
        var aiortc = await MeasureAiortcAsync(pairs, seconds);

        Console.WriteLine(FormattableString.Invariant($"pairs={pairs} seconds={seconds} rate={rate}"));
        Console.WriteLine(FormattableString.Invariant($"PhoneBridge.Rtc : {ours * 100:F2} % of a core per bidirectional connection"));
        Console.WriteLine(FormattableString.Invariant($"bare libopus    : {bare * 100:F2} % of a core (encode+decode both directions, same audio)"));
        Console.WriteLine(aiortc is { } a
            ? FormattableString.Invariant($"aiortc 1.4      : {a * 100:F2} % of a core per bidirectional connection  (ratio {a / ours:F1}x)")
            : "aiortc          : not measured (/usr/bin/python3 with aiortc missing)");
        Console.WriteLine(FormattableString.Invariant($"ours / bare     : {ours / bare:F2}x"));
        return 0;
    }

    private static async Task<double> MeasureOursAsync(int pairs, int seconds, int rate)
    {
        var options = new RtcOptions { HostAddresses = ["127.0.0.1"], OpusComplexity = 5 };
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
                remote.FrameReceived += pcm => Interlocked.Add(ref received, pcm.Length);
            }

            connections.Add(a);
            connections.Add(b);
        }

        var signal = VoiceLikeSignal.Create(rate, 2);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20)))
        {
            long written = 0;
            var frame = rate / 50;
            while (wall.Elapsed < TimeSpan.FromSeconds(seconds) && await timer.WaitForNextTickAsync())
            {
                for (var due = (wall.ElapsedMilliseconds / 20) + 1; written < due; written++)
                {
                    var offset = (int)(written * frame % (signal.Length - frame));
                    foreach (var t in tracks)
                    {
                        t.WriteFrame(signal.AsSpan(offset, frame));
                    }
                }
            }
        }

        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var elapsed = wall.Elapsed.TotalSeconds;
        foreach (var c in connections)
        {
            await c.DisposeAsync();
        }

        if (received < (long)(pairs * 2 * rate * elapsed * 0.8))
        {
            Console.WriteLine(FormattableString.Invariant($"warning: only {received} samples received"));
        }

        return cpu / elapsed / pairs;
    }

    private static double MeasureBareOpus(int seconds, int rate)
    {
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = rate, Complexity = 5 });
        using var decoder = new OpusDecoder(rate);
        var signal = VoiceLikeSignal.Create(rate, 2);
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var pcm = new short[decoder.MaxFrameSize];
        var frame = rate / 50;
        var frames = seconds * 50 * 2;
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
        return (process.TotalProcessorTime - before).TotalSeconds / seconds;
    }

    private static async Task<double?> MeasureAiortcAsync(int pairs, int seconds)
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
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
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
}
