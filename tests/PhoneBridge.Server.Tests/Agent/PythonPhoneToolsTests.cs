using PhoneBridge.Testing.Server;
using Xunit.Abstractions;

namespace PhoneBridge.Server.Tests.Agent;

/// <summary>
/// The sample agent's Python call-control module (<c>samples/agent/phonebridge_tools.py</c>) against the real server
/// process: its unittest suite runs with Debian's python3 (no Vision Agents needed), with a simulated Twilio caller
/// for the live-call part, and must pass without skipping anything. The server must log no failure, no stack trace
/// and none of the numbers or keys the suite sends.
/// </summary>
public sealed class PythonPhoneToolsTests(ITestOutputHelper output)
{
    private const string Python = PythonUnittest.Python;
    private const string ApiKey = "python-tools-api-key";
    private const string WrongApiKey = "not-the-key";
    private const string AuthToken = "python-tools-auth-token";

    /// <summary>Generous: a loaded two-core machine starts dotnet processes slowly.</summary>
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Numbers the suite and the simulated caller use: the bridge must never log them.</summary>
    private static readonly string[] NeverLogged = ["5551234567", "5557654321", "5005550006", "5005550001", ApiKey, WrongApiKey];

    [Fact]
    public async Task The_module_passes_its_tests_against_the_real_server()
    {
        Assert.True(
            File.Exists(Python),
            $"{Python} is required for the sample agent's module tests (Debian: apt-get install python3); CI installs it.");
        var agentDirectory = SampleAgentDirectory();
        var simulator = Path.Combine(AppContext.BaseDirectory, "PhoneBridge.Simulator.dll");
        Assert.True(File.Exists(simulator), "the simulator is built beside the tests: " + simulator);

        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["PhoneBridge__ApiKey"] = ApiKey,
                ["Twilio__AuthToken"] = AuthToken,
                ["Logging__Console__FormatterName"] = "simple",
                ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            },
        });
        var url = server.Url.ToString().TrimEnd('/');

        var (exitCode, text) = await RunSuiteAsync(agentDirectory, new Dictionary<string, string>
        {
            ["PHONEBRIDGE_URL"] = url,
            ["PHONEBRIDGE_API_KEY"] = ApiKey,
            ["PHONEBRIDGE_TEST_PHONE"] = $"dotnet \"{simulator}\" call --server {url} --auth-token {AuthToken} --seconds 600",
        });

        output.WriteLine(text);
        var serverLog = string.Join('\n', server.Output);
        Assert.True(exitCode == 0, $"python3 -m unittest exited {exitCode}:\n{text}\n--- server ---\n{serverLog}");
        // unittest's summary: "OK", or "OK (skipped=N)" when a test found its server or phone missing.
        Assert.Matches(@"Ran \d+ tests", text);
        Assert.DoesNotContain("skipped", text, StringComparison.OrdinalIgnoreCase);

        Assert.DoesNotContain("fail:", serverLog, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", serverLog, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", serverLog, StringComparison.Ordinal);
        Assert.All(NeverLogged, secret => Assert.DoesNotContain(secret, serverLog, StringComparison.Ordinal));
    }

    // The suite resolves calls exactly as configured here.
    private static Task<(int ExitCode, string Output)> RunSuiteAsync(string agentDirectory, Dictionary<string, string> environment) =>
        PythonUnittest.RunAsync(agentDirectory, "tests", environment, ["PHONEBRIDGE_CALL_ID_PREFIX"], SuiteTimeout);

    private static string SampleAgentDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "samples", "agent");
            if (File.Exists(Path.Combine(candidate, "phonebridge_tools.py")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/agent/phonebridge_tools.py not found above " + AppContext.BaseDirectory);
    }
}
