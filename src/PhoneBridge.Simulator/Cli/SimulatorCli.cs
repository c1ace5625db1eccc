using System.Globalization;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Load;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Cli;

/// <summary>The command-line phone: <c>call</c> places one Twilio call, <c>load</c> places many at once.</summary>
public static class SimulatorCli
{
    public const string Usage = """
        Usage:
          call --server http://127.0.0.1:5080 [--wav in.wav] [--seconds 5] [--record out.wav] [--dtmf 123]
               [--auth-token TOKEN] [--public-url URL] [--from +1...] [--to +1...]
          load --server http://127.0.0.1:5080 --calls N --seconds T [--ramp-seconds R] [--api-key KEY]
               [--server-pid PID] [--auth-token TOKEN] [--public-url URL] [--late-ms 20] [--markers N]

        --auth-token   Twilio auth token the server checks signatures with (default: the server's Development token)
        --public-url   the server's PhoneBridge:PublicUrl, if set: Twilio signs that URL
        --api-key      the server's PhoneBridge:ApiKey, to read GET /stats (CPU per call-second)
        --server-pid   read the server's CPU from this local process instead of GET /stats
        --late-ms      a frame sent later than its 20 ms slot by more than this counts as late
        --markers      match the echo by a loud marker frame every N frames instead of by bytes, for echoes that
                       pass a lossy codec (a Stream call with an echoing agent); latency and loss are then per marker
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var parsed = CliArguments.Parse(args);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            return parsed.Command switch
            {
                "call" => await CallAsync(parsed, http, output, interrupted.Token).ConfigureAwait(false),
                "load" => await LoadAsync(parsed, http, output, interrupted.Token).ConfigureAwait(false),
                "telnyx" => await Telnyx.TelnyxCli.RunAsync(parsed, http, output, interrupted.Token).ConfigureAwait(false),
                "help" or "--help" => Help(output),
                _ => throw new CliException($"Unknown command '{parsed.Command}'."),
            };
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is SimulatorException or HandshakeRefusedException or HttpRequestException
            or IOException or InvalidDataException or System.Net.WebSockets.WebSocketException)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            await error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static int Help(TextWriter output)
    {
        output.WriteLine(Usage);
        return 0;
    }

    private static TwilioCallerOptions Caller(CliArguments args)
    {
        var caller = new TwilioCallerOptions
        {
            Server = args.Url("server", "http://127.0.0.1:5080"),
            PublicUrl = args.String("public-url") is { } publicUrl ? args.Url("public-url", publicUrl) : null,
        };
        return caller with
        {
            AuthToken = args.String("auth-token") ?? caller.AuthToken,
            From = args.String("from") ?? caller.From,
            To = args.String("to") ?? caller.To,
        };
    }

    private static async Task<int> CallAsync(CliArguments args, HttpClient http, TextWriter output, CancellationToken cancellationToken)
    {
        var caller = Caller(args);
        var wavPath = args.String("wav");
        var seconds = args.Double("seconds", wavPath is null ? 5 : 0, 0, 3600);
        var recordPath = args.String("record");
        var dtmf = args.String("dtmf") ?? string.Empty;
        var lateMs = args.Double("late-ms", 20, 0, 10_000);
        args.EnsureAllRead();
        if (dtmf.Any(d => !"0123456789*#ABCD".Contains(d, StringComparison.Ordinal)))
        {
            throw new CliException("--dtmf takes the keys 0-9 * # A-D.");
        }

        var audio = wavPath is null
            ? CallerAudio.TestSignal(TimeSpan.FromSeconds(Math.Max(seconds, 0.02)))
            : CallerAudio.FromWav(WavFile.Read(wavPath));
        var frames = seconds > 0 ? (long)(seconds * 50) : audio.FrameCount;

        var time = TimeProvider.System;
        await using var pacer = new FramePacer(time);
        var call = await TwilioPhone.DialAsync(
            http,
            caller,
            time,
            new TwilioMediaCallOptions { Record = recordPath is not null, LateTolerance = TimeSpan.FromMilliseconds(lateMs) },
            cancellationToken).ConfigureAwait(false);
        await using (call.ConfigureAwait(false))
        {
            output.WriteLine($"call {call.CallSid} streaming to {call.Stream.Url.GetLeftPart(UriPartial.Authority)} as {call.StreamSid}");
            call.Play(audio, frames, pacer);
            if (dtmf.Length > 0)
            {
                // A caller presses keys a moment into the call, a quarter second apart.
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
                foreach (var digit in dtmf)
                {
                    await call.SendDtmfAsync(digit, cancellationToken).ConfigureAwait(false);
                    await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
                }
            }

            await Task.WhenAny(call.PlaybackCompleted, call.Completion).WaitAsync(cancellationToken).ConfigureAwait(false);
            await call.WaitForEchoesAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            await call.HangUpAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            var report = call.Report();
            if (recordPath is not null)
            {
                call.Recording().Write(recordPath);
                output.WriteLine($"recorded {report.BytesReceived / 8000.0:0.00} s to {recordPath}");
            }

            Print(output, report);
            return report.Failure is null && !report.ClosedByServer ? 0 : 1;
        }
    }

    private static async Task<int> LoadAsync(CliArguments args, HttpClient http, TextWriter output, CancellationToken cancellationToken)
    {
        var caller = Caller(args);
        var seconds = args.Double("seconds", 10, 1, 3600);
        var options = new LoadOptions
        {
            Caller = caller,
            Calls = args.Int("calls", 10, 1, 10_000),
            Duration = TimeSpan.FromSeconds(seconds),
            Ramp = TimeSpan.FromSeconds(args.Double("ramp-seconds", Math.Min(5, seconds / 3), 0, 3600)),
            ApiKey = args.String("api-key"),
            ServerProcessId = args.String("server-pid") is null ? null : args.Int("server-pid", 0, 1, int.MaxValue),
            LateTolerance = TimeSpan.FromMilliseconds(args.Double("late-ms", 20, 0, 10_000)),
            EchoMatching = args.String("markers") is null ? EchoMatching.Exact : EchoMatching.Markers,
            MarkerPeriodFrames = args.Int("markers", 25, 5, 1000),
        };
        args.EnsureAllRead();
        output.WriteLine($"load: {options.Calls} calls x {seconds:0.#} s against {caller.Server} (ramp {options.Ramp.TotalSeconds:0.#} s)");
        var report = await LoadRunner.RunAsync(http, options, TimeProvider.System, output, cancellationToken).ConfigureAwait(false);
        Print(output, report);
        return report.CallsFailed == 0 ? 0 : 1;
    }

    public static void Print(TextWriter output, TwilioCallReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine($"frames sent {report.FramesSent}, echoed {report.FramesEchoed}, lost {report.FramesLost}, late {report.FramesLate} (max lateness {Ms(report.MaxSendLateness)})");
        output.WriteLine($"round trip {Latency(report.Latencies)}");
        output.WriteLine($"received {report.MediaMessagesReceived} media messages ({report.BytesReceived} bytes, {report.UnmatchedBytesReceived} unmatched), marks {report.MarksReceived} (echoed {report.MarksEchoed}), clears {report.ClearsReceived}, invalid {report.InvalidMessagesReceived}{(report.FirstInvalidMessage is null ? string.Empty : " (" + report.FirstInvalidMessage + ")")}");
        output.WriteLine($"closed {(report.ClosedByServer ? "by the server" : "by the caller")}: {report.CloseStatus} {report.CloseDescription}{(report.Failure is null ? string.Empty : "; failure: " + report.Failure)}");
    }

    public static void Print(TextWriter output, LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine($"calls {report.CallsConnected}/{report.CallsRequested} completed, {report.CallsFailed} failed");
        foreach (var failure in report.Failures.Take(10))
        {
            output.WriteLine("  " + failure);
        }

        output.WriteLine($"frames sent {report.FramesSent}, echoed {report.FramesEchoed}, lost {report.FramesLost}, late {report.FramesLate} (max lateness {Ms(report.MaxSendLateness)}), invalid messages {report.InvalidMessages}");
        if (report.MarkersSent > 0)
        {
            output.WriteLine($"markers sent {report.MarkersSent}, heard back {report.MarkersHeard}, lost {report.MarkersLost}, sent while joining {report.MarkersBeforeAudio}");
        }

        output.WriteLine($"round trip {Latency(report.Latencies)}");
        var cpu = report.CpuMsPerCallSecond is { } perCallSecond
            ? string.Create(CultureInfo.InvariantCulture, $"{report.ServerCpuMs:0} ms CPU over {report.SteadyWindow.TotalSeconds:0.0} s x {report.CallsInWindow} calls = {perCallSecond:0.000} ms CPU per call-second")
            : "unavailable (GET /stats not readable; pass --api-key or --server-pid)";
        if (report.CpuMsPerBridgedCallSecond is { } bridged)
        {
            cpu += string.Create(CultureInfo.InvariantCulture, $"; by frames bridged ({report.FramesInWindow}) {bridged:0.000} ms CPU per call-second");
        }

        if (report.ServerKernelCpuMs is { } kernel && report.ServerCpuMs is > 0 and { } total && report.CpuMsPerCallSecond is { } perCall)
        {
            cpu += string.Create(CultureInfo.InvariantCulture,
                $"; kernel {kernel:0} ms, user {total - kernel:0} ms = {perCall * (total - kernel) / total:0.000} ms user CPU per call-second");
        }

        if (report.ServerJitMs is { } jit)
        {
            cpu += string.Create(CultureInfo.InvariantCulture, $"; of which JIT {jit:0} ms");
        }

        output.WriteLine($"server: {cpu}; active calls at peak {report.ActiveCallsAtPeak?.ToString(CultureInfo.InvariantCulture) ?? "?"}, after {report.ActiveCallsAfter?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
    }

    private static string Latency(LatencySamples samples) =>
        samples.Count == 0
            ? "not measured (no echo matched)"
            : $"p50 {Ms(samples.Percentile(50))}, p99 {Ms(samples.Percentile(99))}, max {Ms(samples.Max)} over {samples.Count} frames";

    private static string Ms(TimeSpan? value) =>
        value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalMilliseconds:0.0} ms") : "-";
}
