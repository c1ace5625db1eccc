using System.Globalization;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>What Linux says about a process: resident memory and threads (<c>/proc/PID/status</c>) and open descriptors (<c>/proc/PID/fd</c>).</summary>
internal sealed record ProcStatus(long RssKiB, int Threads, int OpenFds)
{
    public static ProcStatus Read(int pid)
    {
        long rss = -1;
        var threads = -1;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:     123456 kB"
                rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
            }
        }

        var fds = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        return new ProcStatus(rss, threads, fds);
    }
}
