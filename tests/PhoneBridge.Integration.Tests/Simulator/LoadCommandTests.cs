using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Integration.Tests.Simulator;

/// <summary><c>load</c> end to end: its JSON report, and its report when the server dies under it.</summary>
public sealed partial class LoadCommandTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task JsonReportIsOneDocumentOnStdout()
    {
        await using var server = await BridgeServer.StartAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await SimulatorCli.RunAsync(
            ["load", "--server", server.BaseUrl.ToString(), "--auth-token", BridgeServer.AuthToken,
             "--calls", "2", "--seconds", "2", "--ramp-seconds=0.5", "--json"],
            output, error, CancellationToken.None).WaitAsync(Generous);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var report = JsonDocument.Parse(output.ToString());
        var root = report.RootElement;
        Assert.Equal(2, root.GetProperty("callsRequested").GetInt32());
        Assert.Equal(2, root.GetProperty("callsConnected").GetInt32());
        Assert.Equal(0, root.GetProperty("callsFailed").GetInt32());
        Assert.True(root.GetProperty("framesSent").GetInt64() > 0);
        Assert.True(root.GetProperty("roundTrip").GetProperty("samples").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("server").GetProperty("goneAt").ValueKind);
        // The human report went to stderr instead.
        Assert.Contains("calls 2/2 completed, 0 failed", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheReportSurvivesTheServerDyingMidRun()
    {
        using var server = await ServerProcess.StartAsync();
        using var output = new StringWriter();
        // The progress line (every 5 s off a terminal) shows echoes coming back.
        using var error = new SignallingWriter(EchoesFlowing());

        // Calls would stream for a minute; the server is killed once they are all up and echoed.
        var run = SimulatorCli.RunAsync(
            ["load", "--server", server.BaseUrl.ToString(), "--calls", "3", "--seconds", "60", "--ramp-seconds", "1", "--json"],
            output, error, CancellationToken.None);
        await Task.WhenAny(error.Seen, run).WaitAsync(Generous);
        Assert.True(error.Seen.IsCompleted, $"no echo came back:\n{error}");
        server.Kill();

        var code = await run.WaitAsync(Generous);

        var text = error.ToString();
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Matches(@"server went away at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC", text);
        Assert.Contains("calls 0/3 completed, 3 failed (3 dropped mid-call)", text, StringComparison.Ordinal);
        Assert.Matches(@"frames sent [1-9]\d*, echoed [1-9]\d*", text);
        using var report = JsonDocument.Parse(output.ToString());
        Assert.Equal(3, report.RootElement.GetProperty("callsDropped").GetInt32());
        Assert.Equal(JsonValueKind.String, report.RootElement.GetProperty("server").GetProperty("goneAt").ValueKind);
    }

    [GeneratedRegex(@"calls up 3/3, .* back [1-9]")]
    private static partial Regex EchoesFlowing();

    /// <summary>Collects what is written and completes <see cref="Seen"/> once a line matching the pattern is.</summary>
    private sealed class SignallingWriter(Regex pattern) : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && pattern.IsMatch(value))
            {
                _seen.TrySetResult();
            }
        }
    }

    /// <summary>The real server in its own process on a loopback port it picks, so that it can be killed outright.</summary>
    private sealed partial class ServerProcess : IDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process, Uri baseUrl)
        {
            _process = process;
            BaseUrl = baseUrl;
        }

        public Uri BaseUrl { get; }

        public static async Task<ServerProcess> StartAsync()
        {
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "PhoneBridge.Server.dll"), "--urls", "http://127.0.0.1:0" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information" },
            };
            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && ListeningOn().Match(line) is { Success: true } match)
                {
                    listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var url = await listening.Task.WaitAsync(Generous);
                return new ServerProcess(process, url);
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        /// <summary>SIGKILL: no graceful shutdown, the sockets just go.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
        private static partial Regex ListeningOn();
    }
}
