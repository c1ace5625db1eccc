using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PhoneBridge.Redis;

/// <summary>
/// Every key and channel the instances share, each under <see cref="RedisOptions.KeyPrefix"/> (<c>P</c> below). This
/// layout is what instances of one deployment agree on; change it only with all of them.
/// <list type="table">
/// <item><term><c>P call:{callId}</c></term><description>
/// Hash, one per registered call (<see cref="Registry.RedisCallRegistry"/>): <c>info</c> (the call's
/// <see cref="Core.Registry.CallInfo"/> as JSON), <c>token</c> (SHA-256 of the media token, never the token),
/// <c>state</c> (<c>waiting</c>, <c>claimed</c>, <c>expired</c>), <c>expires</c> (claim deadline, Unix ms),
/// <c>registrar</c> (instance that answered the webhook), <c>owner</c> (instance holding the media socket, once
/// claimed), <c>prep</c> (<c>none</c>, <c>pending</c>, <c>done</c>, <c>failed</c>) and <c>prepared</c> (what closing the
/// prepared work needs, e.g. the agent session). Waiting entries expire after the connect allowance plus one more as a
/// tombstone (so a late socket hears "expired"); claimed ones live until released or swept.
/// </description></item>
/// <item><term><c>P instance:{id}</c></term><description>Heartbeat of one instance; its TTL is the heartbeat timeout.</description></item>
/// <item><term><c>P instance:{id}:calls</c></term><description>Set of the call ids that instance owns (claimed).</description></item>
/// <item><term><c>P instances</c></term><description>Set of instance ids that have heartbeated and not been swept.</description></item>
/// <item><term><c>P sweep</c></term><description>Short lock: one instance at a time sweeps lost instances.</description></item>
/// <item><term><c>P webhook:{provider}:{key}</c></term><description>Webhook de-duplication marks (SET NX with the provider's window).</description></item>
/// <item><term>channel <c>P instance:{id}:{topic}</c></term><description>
/// Messages to one instance. Topic <c>registry</c>: the registry's notices (a call registered there was claimed
/// elsewhere; prepared work was handed over). Other topics are free for other features (e.g. routed control requests).
/// </description></item>
/// </list>
/// </summary>
public sealed class RedisKeys
{
    /// <summary>The channel topic of the registry's notices.</summary>
    public const string RegistryTopic = "registry";

    public RedisKeys(IOptions<RedisOptions> options)
        : this(options?.Value.KeyPrefix ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    public RedisKeys(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Prefix = prefix;
        Instances = prefix + "instances";
        SweepLock = prefix + "sweep";
    }

    public string Prefix { get; }

    /// <summary>Set of instance ids that have heartbeated and not been swept.</summary>
    public RedisKey Instances { get; }

    /// <summary>The sweeper's lock.</summary>
    public RedisKey SweepLock { get; }

    /// <summary>The registry entry of <paramref name="callId"/> (a hash).</summary>
    public RedisKey Call(string callId) => Prefix + "call:" + callId;

    /// <summary>The heartbeat key of <paramref name="instanceId"/>.</summary>
    public RedisKey Heartbeat(string instanceId) => Prefix + "instance:" + instanceId;

    /// <summary>The set of calls <paramref name="instanceId"/> owns.</summary>
    public RedisKey OwnedCalls(string instanceId) => Prefix + "instance:" + instanceId + ":calls";

    /// <summary>A webhook de-duplication mark.</summary>
    public RedisKey Webhook(string provider, string key) => Prefix + "webhook:" + provider + ":" + key;

    /// <summary>The channel of messages to <paramref name="instanceId"/> about <paramref name="topic"/>.</summary>
    public RedisChannel InstanceChannel(string instanceId, string topic) =>
        RedisChannel.Literal(Prefix + "instance:" + instanceId + ":" + topic);
}
