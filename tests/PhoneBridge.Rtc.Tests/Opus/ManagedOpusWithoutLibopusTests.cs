using System.Diagnostics;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Tests.Media;

namespace PhoneBridge.Rtc.Tests.Opus;

/// <summary>
/// Concentus where libopus cannot load: a child process of this test assembly whose <c>PHONEBRIDGE_LIBOPUS</c> names a
/// library that does not exist, so its probe fails as on a machine without libopus (this process keeps its libopus).
/// </summary>
public class ManagedOpusWithoutLibopusTests
{
    internal const string CheckName = "opus-without-libopus";
    private const string Passed = "managed opus without libopus: ok";

    [Fact]
    public async Task Managed_and_auto_work_when_libopus_is_missing()
    {
        var start = new ProcessStartInfo(DotnetHost(), [typeof(ManagedOpusWithoutLibopusTests).Assembly.Location, CheckName])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[OpusLibrary.LibraryVariable] = "libopus-not-installed.so.0";
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stdout} {await stderr}");
        Assert.Contains(Passed, await stdout, StringComparison.Ordinal);
    }

    /// <summary>Runs in the child: fails (non-zero) on the first thing that is not as it should be.</summary>
    internal static int RunCheck()
    {
        try
        {
            Check(!OpusImplementations.IsNativeAvailable, "libopus loaded although it should be missing");
            Check(OpusImplementations.Resolve(OpusImplementation.Auto) == OpusImplementation.Managed, "Auto did not fall back to Managed");
            Check(Throws<DllNotFoundException>(() => new OpusEncoder(new OpusEncoderOptions(), OpusImplementation.Native)), "Native did not fail");

            using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = 8000, Complexity = 5 });
            using var decoder = new OpusDecoder(8000, 1, OpusImplementation.Managed);
            Check(encoder.Implementation == OpusImplementation.Managed, "Auto encoder is not managed");
            var input = TestSignal.ToneAndChirp(8000, 1.0);
            var output = OpusCodecTests.RoundTrip(encoder, decoder, input, dropFrame: 20, useFec: false);
            var (correlation, _) = TestSignal.BestCorrelation(input.AsSpan(800, 4000), output.AsSpan(800), 160);
            Check(correlation > 0.8, $"round-trip correlation {correlation:F3}");
            Console.WriteLine(Passed);
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine(e.ToString());
            return 1;
        }
    }

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(failure);
        }
    }

    private static bool Throws<T>(Action action)
        where T : Exception
    {
        try
        {
            action();
            return false;
        }
        catch (T)
        {
            return true;
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
