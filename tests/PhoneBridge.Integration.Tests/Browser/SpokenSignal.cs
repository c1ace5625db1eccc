using System.Diagnostics;
using PhoneBridge.Simulator.Audio;

namespace PhoneBridge.Integration.Tests.Browser;

/// <summary>
/// A known spoken sentence for the browser tests: espeak-ng's speech brought to 8 kHz by SoX (the reference, and what a
/// simulated phone sends), and the same band-limited audio at 48 kHz for Chromium's fake microphone. Speech rather
/// than a steady tone, since the browser's noise suppression would take a steady tone for noise.
/// </summary>
internal sealed class SpokenSignal
{
    private SpokenSignal(string wav8k, string wav48k)
    {
        Wav8k = wav8k;
        Wav48k = wav48k;
        Samples8k = WavFile.Read(wav8k).Samples;
    }

    public string Wav8k { get; }

    public string Wav48k { get; }

    public short[] Samples8k { get; }

    public static async Task<SpokenSignal> CreateAsync(DirectoryInfo directory)
    {
        var spoken = Path.Combine(directory.FullName, "spoken.wav");
        var wav8k = Path.Combine(directory.FullName, "spoken-8k.wav");
        var wav48k = Path.Combine(directory.FullName, "spoken-48k.wav");
        await RunAsync("espeak-ng", "-w", spoken, "Thank you for calling the parcel service. Your booking number is nine one five two. Please hold the line.");
        await RunAsync("sox", spoken, "-r", "8000", "-b", "16", "-c", "1", wav8k);
        await RunAsync("sox", wav8k, "-r", "48000", "-b", "16", "-c", "1", wav48k);
        return new SpokenSignal(wav8k, wav48k);
    }

    /// <summary>
    /// The median, over the 200 ms chunks of <paramref name="received"/> (8 kHz) that carry sound, of each chunk's best
    /// correlation with the looping signal at any offset (the path's delay is unknown); quiet chunks (the pauses
    /// between words) say nothing about the path and are left out.
    /// </summary>
    public (double Median, int Chunks) Correlation(short[] received)
    {
        const int rate = 8000;
        var chunk = rate / 5;
        var threshold = PhoneBridge.Testing.Stream.AudioQuality.Rms(Samples8k) / 4;
        var looped = Samples8k.Concat(Samples8k).ToArray();
        var correlations = new List<double>();
        for (var start = 0; start + chunk <= received.Length; start += chunk)
        {
            var part = received.AsSpan(start, chunk);
            if (PhoneBridge.Testing.Stream.AudioQuality.Rms(part) >= threshold)
            {
                correlations.Add(Best(part, looped, Samples8k.Length));
            }
        }

        correlations.Sort();
        return (correlations.Count == 0 ? 0 : correlations[correlations.Count / 2], correlations.Count);
    }

    private static double Best(ReadOnlySpan<short> chunk, short[] reference, int maxLag)
    {
        double yy = 0;
        foreach (var s in chunk)
        {
            yy += (double)s * s;
        }

        var best = 0.0;
        for (var lag = 0; lag <= maxLag && lag + chunk.Length <= reference.Length; lag++)
        {
            double xy = 0, xx = 0;
            for (var i = 0; i < chunk.Length; i++)
            {
                double x = reference[lag + i];
                xy += x * chunk[i];
                xx += x * x;
            }

            if (xx > 0 && yy > 0)
            {
                best = Math.Max(best, xy / Math.Sqrt(xx * yy));
            }
        }

        return best;
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{program} failed: {await stderr}");
    }
}
