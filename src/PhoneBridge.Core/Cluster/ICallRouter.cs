namespace PhoneBridge.Core.Cluster;

/// <summary>
/// Carries a <see cref="CallCommand"/> to another instance and brings its answer back. One process alone has no
/// other instance (<see cref="LocalCallRouter"/>); with a shared registry the commands travel over its bus.
/// </summary>
public interface ICallRouter
{
    /// <summary>Whether other instances may hold calls; false: every request is answered by this process alone.</summary>
    bool IsClustered { get; }

    /// <summary>
    /// Runs <paramref name="command"/> on instance <paramref name="instanceId"/> and returns its answer. A bus that is
    /// down, full or too slow answers for it with a 503 or 504 problem.
    /// </summary>
    Task<CallCommandReply> SendAsync(string instanceId, CallCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> on every other instance and returns the answers that came back in time, for
    /// a request whose owner cannot be looked up (a Stream call, a provider's call id) or that asks all of them.
    /// </summary>
    Task<IReadOnlyList<CallCommandReply>> SendToOthersAsync(CallCommand command, CancellationToken cancellationToken);
}
