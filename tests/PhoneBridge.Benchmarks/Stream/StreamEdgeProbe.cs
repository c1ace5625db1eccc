using System.Diagnostics;
using System.Globalization;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Cli;
using PhoneBridge.Simulator.Load;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.Server;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>
/// Measures the bridge through the Stream edge on loopback: the real server (its own process) bridges simulated
/// Twilio calls into the fake Stream, whose agent echoes each phone. Usage:
/// <code>
/// stream-load join [--calls 20] [--server-dll /tmp/pb-server/PhoneBridge.Server.dll]
/// stream-load idle [--samples 6]   (server CPU with no call, every 7 s after the warm-up call)
/// stream-load run [--calls 4] [--seconds 30] [--markers 10] [--ramp-seconds R] [--warm-up-seconds W] [--server-dll ...]
/// stream-load soak [--calls 100] [--minutes 60] [--sample-seconds 60] [--replace true] [--results-dir DIR]   (see StreamSoak)
/// (both: [--echo-rate 8000] the rate the fake SFU decodes and re-encodes the echo at)
/// (all: [--socket-delay-ms N] waits N ms between the webhook's answer and the media socket, as a provider connecting
/// from its own network does; [--join-edge-at-registration true|false] sets the server's PhoneBridge:Bridge:JoinEdgeAtRegistration, for an
/// A/B of joining the Stream call at the webhook against joining when the media stream starts; default: the server's)
/// </code>
/// <c>join</c>: N sequential calls, each timed from the webhook POST to the first frame at the SFU and to the first
/// audio back at the phone (the first echo: the fake agent sends nothing before it hears the phone, and the server
/// drops whatever an edge session joined at the webhook receives before the media stream starts). <c>run</c>: the simulator's load mode with marker matching (round trip, late, lost,
/// server CPU per call-second), plus each direction's latency from the marker times seen at the phone and at the SFU.
/// </summary>
public static class StreamEdgeProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "run";
        var options = Options(args.Skip(1).ToArray());
        var serverDll = options.GetValueOrDefault("server-dll", "/tmp/pb-server/PhoneBridge.Server.dll");
        // A soak lasts its minutes plus the warm-up, ramp and hang-up; every other mode is done well within 20.
        var limit = mode == "soak" ? TimeSpan.FromMinutes(Double(options, "minutes", 60) + 20) : TimeSpan.FromMinutes(20);
        using var cts = new CancellationTokenSource(limit);
        var echoRate = Int(options, "echo-rate", 8000);
        await using var fakes = await StreamFakes.StartAsync(echoRate);
        // The management key for POST /stats/gc, fresh per run.
        var apiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        // Run as docs/performance.md runs it: logging at Warning, the Twilio development token, the Stream fakes.
        var settings = new Dictionary<string, string>(fakes.ServerSettings, StringComparer.Ordinal)
        {
            ["Twilio__AuthToken"] = "dev-twilio-auth-token",
            ["Logging__LogLevel__Default"] = "Warning",
            ["PhoneBridge__ApiKey"] = apiKey,
        };
        if (options.TryGetValue("join-edge-at-registration", out var joinEarly))
        {
            settings["PhoneBridge__Bridge__JoinEdgeAtRegistration"] = bool.Parse(joinEarly).ToString();
        }

        await using var server = await ServerProcess.StartAsync(
            new ServerProcessOptions
            {
                ServerDll = serverDll,
                Settings = settings,
                StartTimeout = TimeSpan.FromSeconds(60),
                // Warnings go to our stderr; a soak's hour of them is not kept.
                KeepOutput = false,
                OnOutput = line => Console.Error.WriteLine("[server] " + line),
            },
            cts.Token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var caller = new TwilioCallerOptions
        {
            Server = server.Url,
            MediaSocketDelay = TimeSpan.FromMilliseconds(Int(options, "socket-delay-ms", 0)),
        };
        Console.WriteLine($"server pid {server.Id} at {server.Url}, fake Stream at {fakes.Stream.BaseUrl}, agents at {fakes.Agents.BaseUrl}, echo at {echoRate} Hz");
        Console.WriteLine($"edge joined at the webhook: {(settings.TryGetValue("PhoneBridge__Bridge__JoinEdgeAtRegistration", out var early) ? early : "server default")}");
        Console.WriteLine($"media socket opened {caller.MediaSocketDelay.TotalMilliseconds:0} ms after the webhook answer");

        // What the server costs with no call (timers, GC), fresh and after one call (which also warms the JIT up,
        // so the figures are not the freshly started processes compiling the path).
        await IdleCpuAsync(server, "fresh", cts.Token);
        await JoinOnceAsync(http, caller, fakes, cts.Token);
        await IdleCpuAsync(server, "after one call", cts.Token);
        return mode switch
        {
            "join" => await JoinAsync(http, caller, fakes, Int(options, "calls", 20), cts.Token),
            "run" => await LoadAsync(http, caller, fakes, server, options, echoRate, apiKey, cts.Token),
            "idle" => await IdleAsync(server, Int(options, "samples", 6), cts.Token),
            "soak" => await StreamSoak.RunAsync(http, caller, server, apiKey, options, cts.Token),
            _ => throw new ArgumentException("stream-load join|run|idle|soak [options]"),
        };
    }

    private static async Task<int> JoinAsync(HttpClient http, TwilioCallerOptions caller, StreamFakes fakes, int calls, CancellationToken ct)
    {
        var dialled = new LatencySamples();
        var atSfu = new LatencySamples();
        var back = new LatencySamples();
        for (var i = 0; i < calls; i++)
        {
            var t = await JoinOnceAsync(http, caller, fakes, ct);
            dialled.Add(t.Dialled);
            atSfu.Add(t.FirstAtSfu);
            back.Add(t.FirstBack);
        }

        Console.WriteLine($"join over {calls} sequential calls (from the webhook POST):");
        Console.WriteLine($"  webhook answered + media socket open + start sent: {Describe(dialled)}");
        Console.WriteLine($"  first phone frame decoded at the SFU:              {Describe(atSfu)}");
        Console.WriteLine($"  first audio back at the phone (via the agent):     {Describe(back)}");
        return 0;
    }

    private static async Task<(TimeSpan Dialled, TimeSpan FirstAtSfu, TimeSpan FirstBack)> JoinOnceAsync(
        HttpClient http, TwilioCallerOptions caller, StreamFakes fakes, CancellationToken ct)
    {
        var time = TimeProvider.System;
        await using var pacer = new FramePacer(time);
        var start = time.GetTimestamp();
        var call = await TwilioPhone.DialAsync(http, caller, time, new TwilioMediaCallOptions { EchoMatching = EchoMatching.Markers }, ct);
        await using (call)
        {
            var dialled = time.GetElapsedTime(start);
            call.Play(CallerAudio.MarkerSignal(TimeSpan.FromSeconds(10), 25), 500, pacer);
            var echoed = await WaitAsync(call.WaitForFirstEchoAsync(TimeSpan.FromSeconds(30)));
            await call.HangUpAsync(TimeSpan.FromSeconds(5), ct);
            var report = call.Report();
            var trace = fakes.Trace(CallCid(report));
            if (!echoed)
            {
                throw new InvalidOperationException(
                    $"no audio came back within 30 s: the SFU decoded {trace.Frames} frames of the call, the phone got {report.MediaMessagesReceived} messages; {report.Failure}");
            }

            return (dialled,
                Stopwatch.GetElapsedTime(start, trace.FirstFrameAt ?? throw new InvalidOperationException("no frame reached the SFU")),
                Stopwatch.GetElapsedTime(start, report.FirstMediaAt ?? throw new InvalidOperationException("no audio came back")));
        }
    }

    /// <summary>Keeps sampling the server's CPU with no call, to tell a transient after the call from a steady cost.</summary>
    private static async Task<int> IdleAsync(ServerProcess server, int samples, CancellationToken ct)
    {
        for (var i = 0; i < samples; i++)
        {
            await IdleCpuAsync(server, $"{(i + 1) * 7} s after the call", ct);
        }

        return 0;
    }

    private static async Task<bool> WaitAsync(Task task)
    {
        try
        {
            await task;
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task IdleCpuAsync(ServerProcess server, string when, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var start = server.TotalProcessorTime;
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var perSecond = (server.TotalProcessorTime - start) / 5;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server idle ({when}): {perSecond.TotalMilliseconds:0.0} ms CPU per second"));
    }

    private static async Task<int> LoadAsync(
        HttpClient http, TwilioCallerOptions caller, StreamFakes fakes, ServerProcess server, Dictionary<string, string> args, int echoRate,
        string apiKey, CancellationToken ct)
    {

        var seconds = Double(args, "seconds", 30);
        var period = Int(args, "markers", 10);
        var options = new LoadOptions
        {
            Caller = caller,
            Calls = Int(args, "calls", 4),
            Duration = TimeSpan.FromSeconds(seconds),
            Ramp = TimeSpan.FromSeconds(Double(args, "ramp-seconds", Math.Min(5, seconds / 3))),
            ServerProcessId = server.Id,
            ApiKey = apiKey,
            EchoMatching = EchoMatching.Markers,
            MarkerPeriodFrames = period,
        };
        // A server that has run one call is still tiering its media path up for a minute (the load report shows the
        // JIT's share); the same load, discarded, first makes the window a long-running server's.
        var warmUp = Double(args, "warm-up-seconds", 0);
        if (warmUp > 0)
        {
            Console.WriteLine($"warm-up: the same {options.Calls} calls for {warmUp:0.#} s, not counted");
            var warmReport = await LoadRunner.RunAsync(http, options with { Duration = TimeSpan.FromSeconds(warmUp) }, TimeProvider.System, null, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warm-up: {warmReport.CpuMsPerCallSecond:0.0} ms CPU per call-second, of which JIT {warmReport.ServerJitMs:0} ms"));
        }

        Console.WriteLine($"load: {options.Calls} calls x {seconds:0.#} s through the Stream edge, a marker every {period} frames");
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var report = await LoadRunner.RunAsync(http, options, TimeProvider.System, Console.Out, ct);
        ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpu;
        ReportPrinter.Print(Console.Out, report);

        // Each marker is seen three times on one clock: sent by the phone, decoded at the SFU, heard back.
        var window = Stopwatch.Frequency * period / 50;
        var up = new LatencySamples();
        var down = new LatencySamples();
        var offsets = new List<double>();
        long sfuFrames = 0;
        foreach (var call in report.Calls)
        {
            var trace = fakes.Trace(CallCid(call));
            var (onsets, inFrame) = trace.Snapshot();
            sfuFrames += trace.Frames;
            offsets.AddRange(inFrame);
            PairLegs(call.MarkersSentAt, onsets, call.MarkersHeardAt, window, up, down);
        }

        var (encode, decode) = FakeCodecCost.Measure(echoRate);
        offsets.Sort();
        Console.WriteLine($"phone -> SFU (phone sends marker frame .. SFU has decoded it): {Describe(up)}");
        Console.WriteLine($"SFU -> phone (SFU decoded it .. phone receives the echo):      {Describe(down)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  the fake's own codec work inside these legs (libopus at {echoRate} Hz, complexity 5, measured here): decode {decode.TotalMilliseconds:0.000} ms (phone -> SFU), encode {encode.TotalMilliseconds:0.000} ms (SFU -> phone)"));
        if (offsets.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  marker onset inside the SFU's decoded frame: median {offsets[offsets.Count / 2]:0.00} ms (resampler + Opus algorithmic delay, not in the arrival times)"));
        }

        Console.WriteLine($"frames: phones sent {report.FramesSent}, SFU decoded {sfuFrames}, phones got back {report.Calls.Sum(c => c.BytesReceived) / 160}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"harness process (phones + fake SFU + agent echo) CPU: {ownCpu.TotalMilliseconds:0} ms over {wall.Elapsed.TotalSeconds:0.0} s wall"));
        return report.CallsFailed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Up: each sent marker with the first SFU onset after it within one marker period. Down: each onset heard
    /// back with the last SFU onset before it within one period.
    /// </summary>
    internal static void PairLegs(IReadOnlyList<long> sent, long[] sfu, IReadOnlyList<long> heard, long window, LatencySamples up, LatencySamples down)
    {
        var j = 0;
        foreach (var s in sent)
        {
            while (j < sfu.Length && sfu[j] < s)
            {
                j++;
            }

            if (j < sfu.Length && sfu[j] - s < window)
            {
                up.Add(Stopwatch.GetElapsedTime(s, sfu[j]));
            }
        }

        j = 0;
        foreach (var h in heard)
        {
            while (j + 1 < sfu.Length && sfu[j + 1] <= h)
            {
                j++;
            }

            if (j < sfu.Length && sfu[j] <= h && h - sfu[j] < window)
            {
                down.Add(Stopwatch.GetElapsedTime(sfu[j], h));
            }
        }
    }

    /// <summary>The Stream call the server put this phone call in: the default type and our call id (from the media URL).</summary>
    private static string CallCid(TwilioCallReport report)
    {
        var segments = report.StreamUrl?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return segments.Length >= 2 ? "default:" + segments[^2] : throw new InvalidOperationException("no media URL in the report");
    }

    private static string Describe(LatencySamples samples) =>
        samples.Count == 0
            ? "no samples"
            : string.Create(CultureInfo.InvariantCulture,
                $"p50 {samples.Percentile(50)!.Value.TotalMilliseconds:0.0} ms, p99 {samples.Percentile(99)!.Value.TotalMilliseconds:0.0} ms, max {samples.Max!.Value.TotalMilliseconds:0.0} ms (n={samples.Count})");

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException("expected --name value, got " + args[i]);
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    private static int Int(Dictionary<string, string> o, string name, int fallback) =>
        o.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static double Double(Dictionary<string, string> o, string name, double fallback) =>
        o.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
