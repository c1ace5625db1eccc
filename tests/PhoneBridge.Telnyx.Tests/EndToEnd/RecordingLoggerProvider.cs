using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Tests.EndToEnd;

/// <summary>Keeps every log entry of a host so tests can count what the product logged.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The product's own entries at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<Entry> AtLeast(LogLevel level) =>
        Entries.Where(e => e.Level >= level && e.Category.StartsWith("PhoneBridge", StringComparison.Ordinal)).ToList();

    /// <summary>Everything the product logged (framework request logs carry request paths, and stay at Warning in the server).</summary>
    public string AllText() => string.Join(
        '\n',
        Entries.Where(e => !e.Category.StartsWith("Microsoft.", StringComparison.Ordinal)).Select(e => e.Category + " " + e.Message + " " + e.Exception));

    public void Dispose()
    {
    }

    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
