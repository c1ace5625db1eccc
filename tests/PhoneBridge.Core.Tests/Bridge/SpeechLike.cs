using System.Diagnostics;
using PhoneBridge.Core.Bridge.Hold;

namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>Ordinary audio for DTMF tests: a synthetic talker, and real speech from espeak-ng when it is installed.</summary>
internal static class SpeechLike
{
    private const string Text =
        "Thank you for calling. Please tell me, in a few words, why you are calling today. " +
        "I can help with bookings, payments, deliveries and changes to your account. " +
        "My parcel number is nine one five two, and it has not arrived yet. One moment while I look that up.";

    // Vowel formants (F1, F2, F3 in Hz): a, i, u, e, o.
    private static readonly double[][] Vowels = [[730, 1090, 2440], [270, 2290, 3010], [300, 870, 2240], [530, 1840, 2480], [570, 840, 2410]];

    public static bool EspeakInstalled { get; } = OnPath("espeak-ng");

    /// <summary>
    /// <paramref name="seconds"/> of a voice-like signal at <paramref name="rate"/>: a glottal harmonic series whose
    /// pitch glides between 90 and 230 Hz, shaped by moving vowel formants, in 4–6 Hz syllables with noisy
    /// consonants and pauses, peaking near −6 dBFS.
    /// </summary>
    public static short[] Synthetic(int rate, int seconds, int seed = 1)
    {
        var random = new Random(seed);
        var samples = new short[rate * seconds];
        var phase = 0.0;
        var pitch = 140.0;
        var n = 0;
        while (n < samples.Length)
        {
            var syllable = (int)(rate * (0.16 + (random.NextDouble() * 0.1)));
            var pause = random.NextDouble() < 0.2 ? (int)(rate * random.NextDouble() * 0.3) : 0;
            var vowel = Vowels[random.Next(Vowels.Length)];
            var next = Vowels[random.Next(Vowels.Length)];
            var targetPitch = 90 + (random.NextDouble() * 140);
            var consonant = (int)(syllable * 0.2);
            for (var i = 0; i < syllable && n < samples.Length; i++, n++)
            {
                var t = (double)i / syllable;
                pitch += (targetPitch - pitch) * 0.0005;
                phase += 2 * Math.PI * pitch / rate;
                var envelope = Math.Sin(Math.PI * t);
                double value = 0;
                if (i < consonant)
                {
                    value = 0.15 * ((random.NextDouble() * 2) - 1);
                }

                for (var h = 1; h * pitch < rate / 2.0 - 200; h++)
                {
                    var hz = h * pitch;
                    var gain = 0.0;
                    for (var f = 0; f < 3; f++)
                    {
                        var formant = vowel[f] + ((next[f] - vowel[f]) * t);
                        var bandwidth = 80 + (40 * f);
                        gain += (1.0 / (f + 1)) / (1 + Math.Pow((hz - formant) / bandwidth, 2));
                    }

                    value += gain / h * Math.Sin(h * phase);
                }

                samples[n] = (short)Math.Clamp(9000 * envelope * value, short.MinValue, short.MaxValue);
            }

            n += pause;
        }

        return samples;
    }

    /// <summary>At least <paramref name="seconds"/> of espeak-ng speech at <paramref name="rate"/>, looped, decoded and resampled as hold audio is.</summary>
    public static short[] Espeak(int rate, int seconds)
    {
        var directory = Directory.CreateTempSubdirectory("phonebridge-speech-");
        try
        {
            var wav = Path.Combine(directory.FullName, "speech.wav");
            var start = new ProcessStartInfo("espeak-ng") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-w", wav, Text })
            {
                start.ArgumentList.Add(argument);
            }

            using (var process = Process.Start(start)!)
            {
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                Assert.Equal(0, process.ExitCode);
            }

            var source = HoldAudio.Load(wav).CreateSource(rate);
            var speech = new short[rate * seconds];
            source.Fill(speech);
            return speech;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}
