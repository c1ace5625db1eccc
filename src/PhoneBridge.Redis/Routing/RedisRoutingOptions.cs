namespace PhoneBridge.Redis.Routing;

/// <summary>
/// How requests about a call reach the instance that owns it (section <c>PhoneBridge:Redis:Routing</c>).
/// </summary>
public sealed class RedisRoutingOptions
{
    public const string SectionName = "PhoneBridge:Redis:Routing";

    /// <summary>
    /// How long a forwarded request may wait for the owner's answer before it is answered 504. Default 5 s: above a
    /// provider's REST call (hang up, transfer), well below a client's patience.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Forwarded requests waiting for an answer at once, and forwarded requests run at once for other instances; one
    /// more is answered 503 at once. Default 256.
    /// </summary>
    public int MaxInFlight { get; set; } = 256;

    public bool IsValid() =>
        Timeout > TimeSpan.Zero && Timeout <= TimeSpan.FromMinutes(1) && MaxInFlight is >= 1 and <= 100_000;
}
