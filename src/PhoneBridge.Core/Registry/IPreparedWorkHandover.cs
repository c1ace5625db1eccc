namespace PhoneBridge.Core.Registry;

/// <summary>
/// Lets prepared work (the <see cref="ICallPreparer"/>'s result, e.g. an agent session) change hands between instances
/// sharing a registry: the registering instance describes it in a short string stored with the call, and the instance
/// that claims the call rebuilds it from that, so its bridge uses and finally disposes (closes) it as if it had started
/// it. Optional: without it, work started elsewhere is not handed over (the claiming bridge gets none) and the
/// registering instance disposes it.
/// </summary>
public interface IPreparedWorkHandover
{
    /// <summary>What rebuilding <paramref name="prepared"/> elsewhere needs (no secrets); null when it cannot be handed over.</summary>
    string? Describe(object prepared);

    /// <summary>The prepared work <paramref name="description"/> describes, now owned by the caller; null when unknown.</summary>
    object? Restore(string description);
}
