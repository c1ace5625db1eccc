using System.Security.Cryptography;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Cluster;

/// <summary>A single instance: it owns exactly the calls its own directory holds.</summary>
public sealed class LocalCallOwnership(CallDirectory calls) : ICallOwnership
{
    /// <summary>Host name plus a random suffix, so two processes on one host (or a restarted pod) never share an id.</summary>
    public string InstanceId { get; } = NewInstanceId();

    public ValueTask<string?> FindOwnerAsync(string callId, CancellationToken ct) =>
        ValueTask.FromResult(calls.TryGet(callId, out _) ? InstanceId : null);

    public static string NewInstanceId() =>
        $"{Environment.MachineName.ToLowerInvariant()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
