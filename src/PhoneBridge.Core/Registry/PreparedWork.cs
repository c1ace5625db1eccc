namespace PhoneBridge.Core.Registry;

/// <summary>
/// What a registration's prepare step produced (an agent session, say) is the registry's or the bridge's to close
/// when the call ends: it may be async-disposable, disposable or neither.
/// </summary>
public static class PreparedWork
{
    /// <summary>Disposes <paramref name="work"/> the way it asks to be disposed; nothing for null or a plain object. Exceptions are the caller's to log.</summary>
    public static ValueTask DisposeAsync(object? work)
    {
        switch (work)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return ValueTask.CompletedTask;
            default:
                return ValueTask.CompletedTask;
        }
    }
}
