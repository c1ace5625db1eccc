namespace PhoneBridge.Core.Admission;

/// <summary>
/// Whether this instance is draining: it takes no new calls (webhooks for them get 503 with <c>Retry-After</c>) while
/// the calls it has carry on. Set once, by the host's drain on SIGTERM; never unset.
/// </summary>
public sealed class CallDrain
{
    /// <summary>What a refused request's <c>Retry-After</c> says, in seconds: a retry comes after another instance is picked.</summary>
    public const int RetryAfterSeconds = 10;

    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Starts draining; false when it had already started.</summary>
    public bool TryBegin() => Interlocked.Exchange(ref _draining, 1) == 0;
}
