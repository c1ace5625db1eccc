namespace PhoneBridge.Core.Registry;

/// <summary>
/// Synchronous registration and claim for tests that drive an in-process registry whose async members complete at once
/// (the in-memory one). In the registry's namespace so such tests read as before the interface became asynchronous.
/// </summary>
public static class CallRegistrySyncExtensions
{
    public static CallRegistration Register(this ICallRegistry registry, CallRegistrationRequest request)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.RegisterAsync(request).AsTask().GetAwaiter().GetResult();
    }

    public static ClaimResult TryClaim(this ICallRegistry registry, string callId, string token, out RegisteredCall? call)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var claim = registry.TryClaimAsync(callId, token).AsTask().GetAwaiter().GetResult();
        call = claim.Call;
        return claim.Result;
    }
}
