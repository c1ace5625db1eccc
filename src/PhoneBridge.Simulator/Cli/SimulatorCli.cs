using System.CommandLine;
using System.CommandLine.Invocation;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Cli;

/// <summary>
/// The command-line phone: <c>call</c> places one Twilio call, <c>load</c> places many at once, <c>load-routed</c>
/// times control requests forwarded between instances, <c>telnyx</c> plays Telnyx. Exit codes are <see cref="ExitCodes"/>: 0 success, 1 the run failed, 2 a usage error, 130 Ctrl+C.
/// </summary>
public static class SimulatorCli
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, new CliConsole(output, error), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var root = CreateRoot(http, console);
            var parsed = root.Parse(args);
            if (parsed.Action is ParseErrorAction)
            {
                return await UsageErrorAsync(console.Error, parsed).ConfigureAwait(false);
            }

            var invocation = new InvocationConfiguration
            {
                Output = console.Output,
                Error = console.Error,
                // Failures are reported below with their own exit codes, and Ctrl+C is handled here too.
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await parsed.InvokeAsync(invocation, interrupted.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SimulatorException or HandshakeRefusedException or HttpRequestException
            or IOException or InvalidDataException or System.Net.WebSockets.WebSocketException)
        {
            await console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The whole command tree; <c>--help</c>/<c>-h</c> and <c>--version</c> come with the root.</summary>
    public static RootCommand CreateRoot(HttpClient http, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var root = new RootCommand(
            "PhoneBridge simulator: a command-line phone that plays Twilio or Telnyx against a running PhoneBridge server.")
        {
            CallCommand.Create(http, console),
            LoadCommand.Create(http, console),
            RoutedCommand.Create(http, console),
            Telnyx.TelnyxCli.Create(http, console.Output),
        };
        return root;
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, ParseResult parsed)
    {
        foreach (var problem in parsed.Errors)
        {
            await error.WriteLineAsync("error: " + problem.Message).ConfigureAwait(false);
        }

        var command = parsed.CommandResult.Command;
        var name = command is RootCommand ? string.Empty : command.Name + " ";
        await error.WriteLineAsync($"Run '{parsed.RootCommandResult.Command.Name} {name}--help' for the commands and options.").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}
