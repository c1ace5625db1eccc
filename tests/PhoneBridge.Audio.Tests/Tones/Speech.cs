using System.Diagnostics;

namespace PhoneBridge.Audio.Tests.Tones;

/// <summary>Speech from espeak-ng (which ./test.sh installs), resampled by sox to the rate asked for.</summary>
internal static class Speech
{
    private const string Text =
        "Thank you for calling. Please tell me, in a few words, why you are calling today. " +
        "I can help with bookings, payments, deliveries and changes to your account. " +
        "For example, you might say: I would like to move my appointment to Tuesday afternoon at four o'clock, " +
        "or, my parcel number is nine one five two, and it has not arrived yet. One moment while I look that up.";

    public static bool IsInstalled { get; } = OnPath("espeak-ng") && OnPath("sox");

    /// <summary>At least <paramref name="seconds"/> of <paramref name="voice"/> as mono PCM16 at <paramref name="rate"/>.</summary>
    public static short[] Generate(string voice, int rate, int seconds)
    {
        var directory = Directory.CreateTempSubdirectory("phonebridge-speech-");
        try
        {
            var spoken = Path.Combine(directory.FullName, "spoken.wav");
            var raw = Path.Combine(directory.FullName, "speech.raw");
            Run("espeak-ng", "-v", voice, "-w", spoken, Text);
            Run("sox", spoken, "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", raw);
            var bytes = File.ReadAllBytes(raw);
            var once = new short[bytes.Length / 2];
            Buffer.BlockCopy(bytes, 0, once, 0, once.Length * 2);
            Assert.True(once.Length > rate * 3, $"espeak-ng made only {once.Length} samples");

            var speech = new short[rate * seconds];
            for (var at = 0; at < speech.Length; at += once.Length)
            {
                once.AsSpan(0, Math.Min(once.Length, speech.Length - at)).CopyTo(speech.AsSpan(at));
            }

            return speech;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error.Result}");
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}
