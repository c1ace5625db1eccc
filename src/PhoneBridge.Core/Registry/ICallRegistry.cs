namespace PhoneBridge.Core.Registry;

/// <summary>
/// Calls waiting for their media socket, each under a secret one-time token. The in-memory store
/// (<see cref="InMemoryCallRegistry"/>) is the default; a shared store (PhoneBridge.Redis) lets the webhook land on one
/// instance and the media socket on another.
/// </summary>
public interface ICallRegistry
{
    /// <summary>Registers a call and starts its prepare step, if any.</summary>
    /// <exception cref="InvalidOperationException">The call id is already registered.</exception>
    /// <exception cref="CallRegistryUnavailableException">A shared store could not be reached; answer 503.</exception>
    ValueTask<CallRegistration> RegisterAsync(CallRegistrationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims a registration with its token: constant-time compare, unexpired, unused. On success the
    /// entry becomes an active call owned by the caller, who must <see cref="Release"/> it at the end.
    /// </summary>
    /// <exception cref="CallRegistryUnavailableException">A shared store could not be reached.</exception>
    ValueTask<CallClaim> TryClaimAsync(string callId, string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes an entry (claimed or not) and disposes its prepared work if nobody took it. Idempotent; never throws
    /// (a shared store is updated in the background).
    /// </summary>
    void Release(string callId);

    /// <summary>Entries waiting or active now in this process.</summary>
    int Count { get; }
}

/// <summary>The outcome of <see cref="ICallRegistry.TryClaimAsync"/>: the call when <see cref="Result"/> is <see cref="ClaimResult.Claimed"/>.</summary>
public readonly record struct CallClaim(ClaimResult Result, RegisteredCall? Call)
{
    public static CallClaim Refused(ClaimResult result) => new(result, null);
}

public enum ClaimResult
{
    Claimed,
    UnknownCall,
    BadToken,
    Expired,
    AlreadyClaimed,
}
