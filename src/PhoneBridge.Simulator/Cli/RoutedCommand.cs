using System.CommandLine;
using PhoneBridge.Simulator.Load;

namespace PhoneBridge.Simulator.Cli;

/// <summary>
/// <c>load-routed</c>: the load tool's mode for several instances. Places calls on one instance and times a control
/// request sent to it and sent to another instance, which forwards it to the owner (p50, p99, max).
/// </summary>
internal static class RoutedCommand
{
    public static Command Create(HttpClient http, CliConsole console)
    {
        var caller = new TwilioCallerCliOptions();
        var other = CliOption.Url("other", "another instance sharing the same Redis: requests sent here are forwarded to the owner", "http://127.0.0.1:5081");
        var calls = CliOption.Number("calls", "how many calls to place on --server", 5, 1, 1000);
        var requests = CliOption.Number("requests", "requests per call on each side", 20, 1, 100_000);
        var apiKey = CliOption.Text("api-key", "the instances' PhoneBridge:ApiKey", "KEY");
        var dtmf = CliOption.Flag("dtmf", "time POST /calls/{id}/dtmf (one digit) instead of GET /calls/{id}");

        var command = new Command(
            "load-routed",
            "Several instances on Redis: place calls on --server (their owner) and time a control request sent there and sent to --other, which forwards it.");
        caller.AddTo(command);
        command.Options.Add(other);
        command.Options.Add(calls);
        command.Options.Add(requests);
        command.Options.Add(apiKey);
        command.Options.Add(dtmf);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var options = new RoutedRequestOptions
            {
                Caller = caller.Read(parsed),
                Other = parsed.GetRequiredValue(other),
                Calls = parsed.GetValue(calls),
                RequestsPerCall = parsed.GetValue(requests),
                ApiKey = parsed.GetValue(apiKey),
                Request = parsed.GetValue(dtmf) ? RoutedRequestKind.Dtmf : RoutedRequestKind.Get,
            };
            var report = await RoutedRequestRunner.RunAsync(http, options, TimeProvider.System, console.Output.WriteLine, cancellationToken).ConfigureAwait(false);
            foreach (var line in report.Lines())
            {
                await console.Output.WriteLineAsync(line).ConfigureAwait(false);
            }

            return report.Failures == 0 && report.Routed.Count > 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
