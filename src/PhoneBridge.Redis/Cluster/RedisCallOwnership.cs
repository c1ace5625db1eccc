using PhoneBridge.Core.Cluster;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Cluster;

/// <summary>
/// Ownership shared through Redis: the owner of a call is the <c>owner</c> field of its registry entry
/// (<see cref="RedisKeys.Call"/>), written atomically by the instance whose media socket claimed the call's token
/// (<see cref="Registry.RedisCallRegistry"/>). A call registered but not claimed yet, ended, swept or unknown has no
/// owner. Registered instead of <see cref="LocalCallOwnership"/> when Redis is configured.
/// </summary>
public sealed class RedisCallOwnership : ICallOwnership
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;

    public RedisCallOwnership(IConnectionMultiplexer redis, RedisKeys keys)
        : this(redis, keys, LocalCallOwnership.NewInstanceId())
    {
    }

    /// <param name="instanceId">This process's id; tests give two registries in one process different ids.</param>
    public RedisCallOwnership(IConnectionMultiplexer redis, RedisKeys keys, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        _redis = redis;
        _keys = keys;
        InstanceId = instanceId;
    }

    /// <summary>Host name plus a random suffix (<see cref="LocalCallOwnership.NewInstanceId"/>).</summary>
    public string InstanceId { get; }

    /// <exception cref="RedisException">Redis could not be asked (down, timed out).</exception>
    public async ValueTask<string?> FindOwnerAsync(string callId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(callId);
        ct.ThrowIfCancellationRequested();
        var values = await _redis.GetDatabase()
            .HashGetAsync(_keys.Call(callId), [RedisFields.State, RedisFields.Owner])
            .WaitAsync(ct)
            .ConfigureAwait(false);
        return values[0] == RedisFields.Claimed && !values[1].IsNullOrEmpty ? (string?)values[1] : null;
    }
}
