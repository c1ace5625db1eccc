namespace PhoneBridge.Core.Registry;

/// <summary>
/// Calls waiting for their media socket, each under a secret one-time token. The in-memory store is
/// the default; the interface leaves room for a shared store when several instances serve one number.
/// </summary>
public interface ICallRegistry
{
    /// <summary>Registers a call and starts its prepare step, if any.</summary>
    CallRegistration Register(CallRegistrationRequest request);

    /// <summary>
    /// Claims a registration with its token: constant-time compare, unexpired, unused. On success the
    /// entry becomes an active call owned by the caller, who must <see cref="Release"/> it at the end.
    /// </summary>
    ClaimResult TryClaim(string callId, string token, out RegisteredCall? call);

    /// <summary>Removes an entry (claimed or not) and disposes its prepared work if nobody took it. Idempotent.</summary>
    void Release(string callId);

    /// <summary>Entries waiting or active now.</summary>
    int Count { get; }
}

public enum ClaimResult
{
    Claimed,
    UnknownCall,
    BadToken,
    Expired,
    AlreadyClaimed,
}
