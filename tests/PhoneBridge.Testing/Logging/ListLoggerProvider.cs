using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Testing.Logging;

/// <summary>Keeps every log entry of a host so tests can assert what was (and was not) logged.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(Entries, categoryName);

    /// <summary>The product's own entries with event id <paramref name="id"/>.</summary>
    public IReadOnlyList<LogEntry> WithEventId(int id) =>
        Entries.Where(e => e.EventId.Id == id && IsProduct(e)).ToList();

    /// <summary>The product's own entries at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<LogEntry> AtLeast(LogLevel level) =>
        Entries.Where(e => e.Level >= level && IsProduct(e)).ToList();

    /// <summary>
    /// Everything the product logged. Framework request logs (Microsoft.AspNetCore.Hosting at Information) carry
    /// request paths, which is why the server's appsettings keep Microsoft.AspNetCore at Warning.
    /// </summary>
    public string AllText() => string.Join(
        '\n',
        Entries.Where(e => !e.Category.StartsWith("Microsoft.", StringComparison.Ordinal)).Select(e => e.Category + " " + e.Message + " " + e.Exception));

    public void Dispose()
    {
    }

    private static bool IsProduct(LogEntry entry) => entry.Category.StartsWith("PhoneBridge", StringComparison.Ordinal);
}
