using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Tests.Infrastructure;

/// <summary>Keeps every log entry so tests can assert what was (and was not) logged.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public IReadOnlyList<LogEntry> WithEventId(int id) =>
        Entries.Where(e => e.EventId.Id == id && e.Category.StartsWith("PhoneBridge", StringComparison.Ordinal)).ToList();

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

    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
