using System.Globalization;

namespace PhoneBridge.Benchmarks.Fuzz;

/// <summary>Command-line settings of <c>fuzz</c>.</summary>
internal sealed record FuzzSettings(string Target, long Inputs, ulong Seed, int TimeoutMs, double MaxSeconds, string ResultsDirectory, string? Replay = null)
{
    public long ProgressEvery => Math.Max(1, Inputs / 4);

    public const string Usage =
        "fuzz [--target NAME|all] [--inputs 1000000] [--seed N] [--timeout-ms 1000] [--max-seconds 0] [--results fuzz-results] [--replay FILE.hex]";

    public static FuzzSettings Parse(string[] args)
    {
        var settings = new FuzzSettings("all", 1_000_000, 1, 1000, 0, "fuzz-results");
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--target" => settings with { Target = Value() },
                "--inputs" => settings with { Inputs = long.Parse(Value(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture) },
                "--seed" => settings with { Seed = ulong.Parse(Value(), CultureInfo.InvariantCulture) },
                "--timeout-ms" => settings with { TimeoutMs = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--max-seconds" => settings with { MaxSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--results" => settings with { ResultsDirectory = Value() },
                "--replay" => settings with { Replay = Value() },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Usage: {Usage}"),
            };
        }

        return settings;
    }
}
