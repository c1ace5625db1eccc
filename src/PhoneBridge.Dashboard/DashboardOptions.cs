namespace PhoneBridge.Dashboard;

/// <summary>The dashboard's sessions and live updates (section <c>PhoneBridge:Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "PhoneBridge:Dashboard";

    /// <summary>A session unused this long is gone (30 minutes by default).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session is gone this long after login, used or not (12 hours by default).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sessions kept at once; a login past it ends the least recently used one.</summary>
    public int MaxSessions { get; set; } = 64;

    /// <summary>Live call-list connections (server-sent events) at once; more are answered 503.</summary>
    public int MaxEventStreams { get; set; } = 32;

    /// <summary>How often the live list sends what changed (at most); 250 ms by default: four updates a second.</summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    internal static bool IsValid(DashboardOptions o) =>
        o.SessionIdleTimeout > TimeSpan.Zero && o.SessionIdleTimeout <= TimeSpan.FromDays(1)
        && o.SessionLifetime >= o.SessionIdleTimeout && o.SessionLifetime <= TimeSpan.FromDays(7)
        && o.MaxSessions is >= 1 and <= 10_000
        && o.MaxEventStreams is >= 1 and <= 1_000
        && o.UpdateInterval >= TimeSpan.FromMilliseconds(100) && o.UpdateInterval <= TimeSpan.FromSeconds(1);
}
