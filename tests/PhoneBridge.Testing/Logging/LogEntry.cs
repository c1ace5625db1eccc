using Microsoft.Extensions.Logging;

namespace PhoneBridge.Testing.Logging;

/// <summary>One log line as the logger received it, formatted.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
