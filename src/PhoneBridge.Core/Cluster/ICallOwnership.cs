namespace PhoneBridge.Core.Cluster;

/// <summary>
/// Which instance holds each call's media socket, and so owns the call: control requests and provider webhooks
/// about a call are acted on there. One process alone owns every call it knows (<see cref="LocalCallOwnership"/>);
/// with a shared registry the owner is recorded when an instance claims the call's token.
/// </summary>
public interface ICallOwnership
{
    /// <summary>This process's id among the instances sharing the registry; stable for the life of the process.</summary>
    string InstanceId { get; }

    /// <summary>The instance that owns <paramref name="callId"/>; null when no instance does (unknown, unclaimed, or ended).</summary>
    ValueTask<string?> FindOwnerAsync(string callId, CancellationToken ct);
}
