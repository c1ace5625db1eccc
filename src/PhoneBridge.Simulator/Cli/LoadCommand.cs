using System.CommandLine;
using System.Text;
using PhoneBridge.Simulator.Load;
using PhoneBridge.Simulator.Measurement;

namespace PhoneBridge.Simulator.Cli;

/// <summary><c>load</c>: many Twilio calls at once, with a live progress line and a report at the end.</summary>
internal static class LoadCommand
{
    public static Command Create(HttpClient http, CliConsole console)
    {
        var caller = new TwilioCallerCliOptions();
        var calls = CliOption.Number("calls", "how many calls", 10, 1, 10_000);
        var seconds = CliOption.Number("seconds", "how long each call streams", 10d, 1d, 3600d);
        var ramp = CliOption.OptionalNumber("ramp-seconds", "dial the calls evenly over this time (default: a third of --seconds, at most 5)", 0d, 3600d);
        var apiKey = CliOption.Text("api-key", "the server's PhoneBridge:ApiKey, to read GET /stats (CPU per call-second)", "KEY");
        var serverPid = CliOption.OptionalNumber("server-pid", "read the server's CPU from this local process instead of GET /stats", 1, int.MaxValue);
        var lateMs = CliOption.Number("late-ms", "a frame sent later than its 20 ms slot by more than this counts as late", 20d, 0d, 10_000d);
        var markers = CliOption.OptionalNumber(
            "markers",
            "match the echo by a loud marker frame every N frames instead of by bytes, for echoes that pass a lossy codec "
            + "(a Stream call with an echoing agent); latency and loss are then per marker",
            5,
            1000);
        var json = CliOption.Flag("json", "print the final report as one JSON document on stdout (the progress and text go to stderr)");

        var command = new Command("load", "Place many Twilio calls at once on one pacing timer; reports loss, lateness, latency and the server's CPU per call-second.");
        caller.AddTo(command);
        command.Options.Add(calls);
        command.Options.Add(seconds);
        command.Options.Add(ramp);
        command.Options.Add(apiKey);
        command.Options.Add(serverPid);
        command.Options.Add(lateMs);
        command.Options.Add(markers);
        command.Options.Add(json);
        command.Validators.Add(result =>
        {
            if (result.GetValue(ramp) is { } r && r >= result.GetValue(seconds))
            {
                result.AddError("--ramp-seconds must be shorter than --seconds, or no moment has every call up.");
            }
        });
        command.SetAction((parsed, cancellationToken) =>
        {
            var duration = parsed.GetValue(seconds);
            var options = new LoadOptions
            {
                Caller = caller.Read(parsed),
                Calls = parsed.GetValue(calls),
                Duration = TimeSpan.FromSeconds(duration),
                Ramp = TimeSpan.FromSeconds(parsed.GetValue(ramp) ?? Math.Min(5, duration / 3)),
                ApiKey = parsed.GetValue(apiKey),
                ServerProcessId = parsed.GetValue(serverPid),
                LateTolerance = TimeSpan.FromMilliseconds(parsed.GetValue(lateMs)),
                EchoMatching = parsed.GetValue(markers) is null ? EchoMatching.Exact : EchoMatching.Markers,
                MarkerPeriodFrames = parsed.GetValue(markers) ?? 25,
            };
            return RunAsync(http, options, parsed.GetValue(json), console, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(HttpClient http, LoadOptions options, bool json, CliConsole console, CancellationToken cancellationToken)
    {
        // With --json stdout carries the document alone, so everything a person reads goes to stderr.
        using var human = json
            ? new LiveLineWriter(console.Error, console.ErrorIsTerminal)
            : new LiveLineWriter(console.Output, console.OutputIsTerminal);
        var time = TimeProvider.System;
        human.WriteLine($"load: {options.Calls} calls x {options.Duration.TotalSeconds:0.#} s against {options.Caller.Server} (ramp {options.Ramp.TotalSeconds:0.#} s)");

        var tally = new LoadTally();
        using var stopProgress = new CancellationTokenSource();
        var progress = LoadProgressLine.RunAsync(tally, human, time, stopProgress.Token);
        LoadReport report;
        try
        {
            report = await LoadRunner.RunAsync(http, options, time, human, tally, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopProgress.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        ReportPrinter.Print(human, report);
        if (json)
        {
            using var document = new MemoryStream();
            LoadReportJson.Write(document, report);
            await console.Output.WriteLineAsync(Encoding.UTF8.GetString(document.ToArray())).ConfigureAwait(false);
        }

        return report.CallsFailed == 0 && report.ServerGoneAt is null ? ExitCodes.Success : ExitCodes.Failure;
    }
}
