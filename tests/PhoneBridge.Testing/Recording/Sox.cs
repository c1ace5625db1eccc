using System.Diagnostics;

namespace PhoneBridge.Testing.Recording;

/// <summary>
/// Runs SoX, the independent reader the recordings are checked with (installed here and in CI): <c>sox --i</c>
/// reads the header, <c>sox f.wav -n stat</c> decodes every sample.
/// </summary>
public static class Sox
{
    public sealed record Result(int ExitCode, string Output);

    public static Task<Result> InfoAsync(string path) => RunAsync("--i", path);

    public static Task<Result> StatAsync(string path) => RunAsync(path, "-n", "stat");

    private static async Task<Result> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("sox") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("sox did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout + await stderr);
    }
}
