namespace PhoneBridge.Redis;

/// <summary>
/// Settings of the shared state (section <c>PhoneBridge:Redis</c>); the server itself is <c>ConnectionStrings:Redis</c>
/// or <c>REDIS_URL</c>. Instances that serve one number share a Redis and the same <see cref="KeyPrefix"/>.
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "PhoneBridge:Redis";

    /// <summary>The name of the connection string (<c>ConnectionStrings:Redis</c>).</summary>
    public const string ConnectionStringName = "Redis";

    /// <summary>
    /// Put before every key and channel, so several deployments (or test runs) can share one Redis. Default
    /// <c>phonebridge:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "phonebridge:";

    /// <summary>How often each instance renews its heartbeat key. Default 2 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a heartbeat key lives without renewal: an instance silent that long is taken for lost and its calls
    /// are ended and removed by the next sweep. Default 6 s; at least twice <see cref="HeartbeatInterval"/>, so one
    /// late write on a loaded machine does not lose an instance.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How long a Redis command may take before the registration (or health check) gives up. Default 2 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>True when the values are usable; <paramref name="error"/> says which one is not.</summary>
    public bool IsValid(out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.Length > 64 || KeyPrefix.Any(char.IsWhiteSpace))
        {
            error = "PhoneBridge:Redis:KeyPrefix must be 1-64 characters without spaces.";
        }
        else if (HeartbeatInterval < TimeSpan.FromMilliseconds(100) || HeartbeatInterval > TimeSpan.FromMinutes(1))
        {
            error = "PhoneBridge:Redis:HeartbeatInterval must be between 100 ms and 1 minute.";
        }
        else if (HeartbeatTimeout < HeartbeatInterval * 2 || HeartbeatTimeout > TimeSpan.FromMinutes(5))
        {
            error = "PhoneBridge:Redis:HeartbeatTimeout must be at least twice HeartbeatInterval and at most 5 minutes.";
        }
        else if (CommandTimeout <= TimeSpan.Zero || CommandTimeout > TimeSpan.FromSeconds(30))
        {
            error = "PhoneBridge:Redis:CommandTimeout must be between 0 (exclusive) and 30 s.";
        }

        return error is null;
    }
}
