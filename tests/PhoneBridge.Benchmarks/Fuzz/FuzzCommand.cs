using System.Globalization;
using System.Text;
using PhoneBridge.Benchmarks.Fuzz.Targets;

namespace PhoneBridge.Benchmarks.Fuzz;

/// <summary>
/// <c>fuzz</c>: mutation fuzzing of every parser that faces the network, from seed corpora of real messages.
/// Prints one Markdown table (for docs/reliability.md) and leaves crashing and slow inputs, as hex, under the results directory.
/// </summary>
internal static class FuzzCommand
{
    public static int Run(string[] args)
    {
        FuzzSettings settings;
        try
        {
            settings = FuzzSettings.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        var factories = FuzzTargets.All;
        var selected = settings.Target == "all"
            ? factories
            : factories.Where(f => f.Name == settings.Target).ToArray();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"Unknown target {settings.Target}; one of: all, {string.Join(", ", factories.Select(f => f.Name))}");
            return 2;
        }

        if (settings.Replay is { } file)
        {
            return selected.Count == 1 ? Replay(selected[0].Create(), file) : Fail("--replay needs one --target.");
        }

        Console.WriteLine($"fuzz: {selected.Count} target(s), {settings.Inputs:N0} inputs each, seed {settings.Seed}, timeout {settings.TimeoutMs} ms");
        var runner = new FuzzRunner(settings, Console.Out);
        var results = new List<FuzzResult>();
        foreach (var factory in selected)
        {
            var target = factory.Create();
            Console.WriteLine($"{target.Name}: {target.Parser}, {target.Seeds.Count} seeds");
            var result = runner.Run(target);
            results.Add(result);
            Console.WriteLine($"{target.Name}: {result.Inputs:N0} inputs in {result.Elapsed.TotalSeconds:N1} s, {result.Crashes.Count} unique crashes, {result.Hangs} hangs");
        }

        var table = Table(results, settings);
        Console.WriteLine();
        Console.WriteLine(table);
        Directory.CreateDirectory(settings.ResultsDirectory);
        File.WriteAllText(Path.Combine(settings.ResultsDirectory, "summary.md"), table);
        return results.Any(r => r.Crashes.Count > 0 || r.Hangs > 0) ? 1 : 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    /// <summary>Runs one saved input again, 20 times, to tell a real hang from a stall of a loaded machine.</summary>
    private static int Replay(FuzzTarget target, string file)
    {
        var input = Convert.FromHexString(File.ReadAllText(file).Trim());
        var times = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                target.Run(input);
            }
            catch (Exception e)
            {
                Console.WriteLine($"{target.Name}: {file} ({input.Length} bytes) throws {e}");
                return 1;
            }

            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{target.Name}: {file} ({input.Length} bytes) runs in {times[0]:N3} ms min, {times[10]:N3} ms median, {times[^1]:N3} ms max over 20 runs"));
        return 0;
    }

    private static string Table(List<FuzzResult> results, FuzzSettings settings)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("| Target | Parser | Seeds | Inputs | Crashes (unique) | Hangs (> " + settings.TimeoutMs.ToString(inv) + " ms) | Slowest input | Inputs/s |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var reached = r.Stopped ? " (time budget)" : "";
            sb.AppendLine(string.Create(inv,
                $"| {r.Target.Name} | {r.Target.Parser} | {r.Target.Seeds.Count} | {r.Inputs:N0}{reached} | {r.CrashingInputs:N0} ({r.Crashes.Count}) | {r.Hangs} | {r.SlowestMs:N2} ms ({r.SlowestSize:N0} B) | {r.Throughput:N0} |"));
        }

        var crashes = results.SelectMany(r => r.Crashes.Values.Select(c => (r.Target.Name, Crash: c))).ToList();
        if (crashes.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Unique crashes:");
            sb.AppendLine();
            foreach (var (name, c) in crashes)
            {
                sb.AppendLine(string.Create(inv, $"- {name}: `{c.Type}` at `{c.TopFrame}` ({c.Count:N0} inputs, first #{c.FirstInput:N0}, `{c.SavedAs}`): {c.Message}"));
            }
        }

        return sb.ToString();
    }
}
