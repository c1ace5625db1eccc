using System.Diagnostics;

namespace PhoneBridge.Integration.Tests.Bridge;

/// <summary>Ordinary speech for the simulated caller: <paramref name="sentence"/> spoken by espeak-ng into a WAV file.</summary>
internal static class SpeechWav
{
    /// <summary>The simulator's <c>--wav</c> option for the spoken file; none (its test signal) where espeak-ng is missing.</summary>
    public static string[] Options(string path, string sentence)
    {
        try
        {
            var start = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-w", path, sentence })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? ["--wav", path] : [];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }
}
