using System.Diagnostics;
using System.Text;

namespace PhoneBridge.Server.Tests.Agent;

/// <summary>
/// Runs a sample's Python unittest suite with Debian's python3 (<c>python3 -m unittest discover -s … -v</c>) and
/// returns its exit code and combined output. Nothing is left in the checkout (no bytecode); a suite that outlives
/// its time is killed with its children (a simulated phone, say) and reported with what it printed.
/// </summary>
internal static class PythonUnittest
{
    public const string Python = "/usr/bin/python3";

    public static async Task<(int ExitCode, string Output)> RunAsync(
        string workingDirectory, string testsDirectory, IReadOnlyDictionary<string, string> environment, IEnumerable<string> unset, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { "-m", "unittest", "discover", "-s", testsDirectory, "-v" },
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in unset)
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONUNBUFFERED"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var text = new StringBuilder();
        void OnLine(string? line)
        {
            if (line is not null)
            {
                lock (text)
                {
                    text.AppendLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (text)
            {
                throw new TimeoutException($"the Python suite in {testsDirectory} did not finish within {timeout}:\n{text}");
            }
        }

        // Drains the redirected streams.
        await process.WaitForExitAsync();
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }
}
