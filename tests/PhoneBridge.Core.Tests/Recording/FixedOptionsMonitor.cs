using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Tests.Recording;

/// <summary>Options a test changes in place: every read sees the same instance.</summary>
internal sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
