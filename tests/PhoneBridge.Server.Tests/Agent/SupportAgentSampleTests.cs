using Xunit.Abstractions;

namespace PhoneBridge.Server.Tests.Agent;

/// <summary>
/// The support-agent sample's own unittest suite (<c>samples/support-agent/tests</c>: retrieval over its knowledge
/// base, the greeting, the DTMF and AMD decisions, the tools' calls to the phone line) with Debian's python3, from the
/// repository root as the sample's README runs it. It needs no server, no network and nothing installed.
/// </summary>
public sealed class SupportAgentSampleTests(ITestOutputHelper output)
{
    private const string Python = PythonUnittest.Python;

    /// <summary>Generous: the suite takes well under a second, but the machine running it may be loaded.</summary>
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_sample_passes_its_tests()
    {
        Assert.True(
            File.Exists(Python),
            $"{Python} is required for the support-agent sample's tests (Debian: apt-get install python3); CI installs it.");
        var root = RepositoryRoot();

        var (exitCode, text) = await RunSuiteAsync(root);

        output.WriteLine(text);
        Assert.True(exitCode == 0, $"python3 -m unittest exited {exitCode}:\n{text}");
        // unittest's summary: a discovery that found nothing also exits 0 on older Pythons.
        Assert.Matches(@"Ran [1-9]\d* tests", text);
        Assert.DoesNotContain("skipped", text, StringComparison.OrdinalIgnoreCase);
    }

    // The sample's modules come from the checkout only.
    private static Task<(int ExitCode, string Output)> RunSuiteAsync(string root) =>
        PythonUnittest.RunAsync(root, "samples/support-agent/tests", new Dictionary<string, string>(), ["PYTHONPATH"], SuiteTimeout);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "samples", "support-agent", "knowledge_base.py")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("samples/support-agent/knowledge_base.py not found above " + AppContext.BaseDirectory);
    }
}
