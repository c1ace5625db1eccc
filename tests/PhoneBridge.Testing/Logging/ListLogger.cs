using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Testing.Logging;

/// <summary>A logger that keeps every formatted entry, for a class constructed by hand with its logger.</summary>
public class ListLogger : ILogger
{
    private readonly string _category;

    public ListLogger(string category)
        : this(new ConcurrentQueue<LogEntry>(), category)
    {
    }

    /// <summary>A logger of <see cref="ListLoggerProvider"/>: its entries go to the provider's list.</summary>
    public ListLogger(ConcurrentQueue<LogEntry> entries, string category)
    {
        Entries = entries;
        _category = category;
    }

    public ConcurrentQueue<LogEntry> Entries { get; }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue(new LogEntry(_category, logLevel, eventId, formatter(state, exception), exception));
}

/// <summary>A <see cref="ListLogger"/> for <typeparamref name="T"/>'s category.</summary>
public sealed class ListLogger<T>() : ListLogger(typeof(T).FullName ?? typeof(T).Name), ILogger<T>;
