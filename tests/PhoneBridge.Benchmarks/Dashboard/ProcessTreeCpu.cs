using System.Globalization;

namespace PhoneBridge.Benchmarks.Dashboard;

/// <summary>
/// CPU time of every process this one started, and theirs in turn (<c>/proc/*/stat</c>), leaving out Playwright's
/// node driver: what Chromium's browser, renderer and utility processes cost together.
/// </summary>
internal static class ProcessTreeCpu
{
    /// <summary>Kernel clock ticks per second (<c>sysconf(_SC_CLK_TCK)</c>, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    public static TimeSpan Read()
    {
        var parents = new Dictionary<int, List<int>>();
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            string comm;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
                comm = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
            }
            catch (IOException)
            {
                continue;   // gone in between
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid … utime stime": the name may hold spaces and parentheses, so count from its end.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (!parents.TryGetValue(ppid, out var children))
            {
                parents[ppid] = children = [];
            }

            children.Add(pid);
            ticks[pid] = comm.StartsWith("node", StringComparison.Ordinal)
                ? 0
                : long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        long total = 0;
        var pending = new Stack<int>();
        pending.Push(Environment.ProcessId);
        while (pending.TryPop(out var pid))
        {
            foreach (var child in parents.GetValueOrDefault(pid) ?? [])
            {
                total += ticks[child];
                pending.Push(child);
            }
        }

        return TimeSpan.FromSeconds(total / TicksPerSecond);
    }
}
