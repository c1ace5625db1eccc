namespace PhoneBridge.Core.Http;

/// <summary>
/// Timeouts and retry budget of one outgoing HTTP client (sections <c>Telnyx:Http</c>, <c>Stream:Http</c>,
/// <c>Agent:Http</c>). Only idempotent requests are retried, and only on transient failures.
/// </summary>
public sealed class HttpResilienceOptions
{
    /// <summary>Limit of one try; a try that runs over is abandoned and, if the request is idempotent, retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit of the whole request, all tries and the waits between them included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first try (0 turns retrying off).</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>Median wait before the first retry; later ones double, with jitter. A Retry-After answer overrides it.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Validation as messages naming <paramref name="section"/>'s keys; empty when valid.</summary>
    public IReadOnlyList<string> Validate(string section)
    {
        var failures = new List<string>();
        if (AttemptTimeout <= TimeSpan.Zero || AttemptTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{section}:AttemptTimeout must be positive and at most an hour.");
        }

        if (TotalTimeout < AttemptTimeout || TotalTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{section}:TotalTimeout must be at least AttemptTimeout and at most an hour.");
        }

        if (MaxRetryAttempts is < 0 or > 10)
        {
            failures.Add($"{section}:MaxRetryAttempts must be between 0 and 10.");
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{section}:RetryDelay must be between 0 and one minute.");
        }

        return failures;
    }
}
