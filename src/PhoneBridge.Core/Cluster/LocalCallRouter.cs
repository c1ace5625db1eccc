namespace PhoneBridge.Core.Cluster;

/// <summary>A single instance: there is nobody to forward to, so every request is answered here.</summary>
public sealed class LocalCallRouter : ICallRouter
{
    public bool IsClustered => false;

    public Task<CallCommandReply> SendAsync(string instanceId, CallCommand command, CancellationToken cancellationToken) =>
        Task.FromResult(CallCommandReplies.Problem(503, "Owner not reachable", "This instance runs alone; no other instance can own the call."));

    public Task<IReadOnlyList<CallCommandReply>> SendToOthersAsync(CallCommand command, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CallCommandReply>>([]);
}
