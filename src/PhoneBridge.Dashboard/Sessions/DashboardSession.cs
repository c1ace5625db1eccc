namespace PhoneBridge.Dashboard.Sessions;

/// <summary>One login: its CSRF token and when it was made and last used (ticks of the store's clock).</summary>
internal sealed class DashboardSession(string key, string csrfToken, DateTimeOffset createdAt)
{
    private long _lastUsedTicks = createdAt.UtcTicks;

    /// <summary>The store's key: a hash of the cookie's value, which itself is never kept.</summary>
    public string Key { get; } = key;

    public string CsrfToken { get; } = csrfToken;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastUsedAt => new(Volatile.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset now) => Volatile.Write(ref _lastUsedTicks, now.UtcTicks);
}
