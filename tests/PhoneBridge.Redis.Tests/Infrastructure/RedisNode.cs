using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Redis.Cluster;
using PhoneBridge.Redis.Connection;
using PhoneBridge.Redis.Registry;
using PhoneBridge.Testing.Calls;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Tests.Infrastructure;

/// <summary>
/// One instance as the server builds it (its own connection, id, directory, registry and heartbeat), so a test can run
/// two instances sharing one Redis in one process.
/// </summary>
public sealed class RedisNode : IAsyncDisposable
{
    private RedisNode(ConnectionMultiplexer redis, RedisKeys keys, RedisCallOwnership ownership, RedisCallRegistry registry,
        CallDirectory directory, RedisInstanceHeartbeat heartbeat, RecordingCallEvents events)
    {
        Redis = redis;
        Keys = keys;
        Ownership = ownership;
        Registry = registry;
        Directory = directory;
        Heartbeat = heartbeat;
        Events = events;
    }

    public ConnectionMultiplexer Redis { get; }

    public RedisKeys Keys { get; }

    public RedisCallOwnership Ownership { get; }

    public RedisCallRegistry Registry { get; }

    public CallDirectory Directory { get; }

    public RedisInstanceHeartbeat Heartbeat { get; }

    public RecordingCallEvents Events { get; }

    public string Id => Ownership.InstanceId;

    public static async Task<RedisNode> StartAsync(
        RedisServerProcess server,
        string prefix,
        string id,
        FakeAgentServer? agents = null,
        FakeEdge? edge = null,
        TimeSpan? connectTimeout = null,
        TimeProvider? time = null,
        RedisOptions? redisOptions = null)
    {
        time ??= TimeProvider.System;
        var configuration = RedisConnectionString.Parse(server.ConnectionString);
        configuration.ConnectRetry = 1;
        configuration.ConnectTimeout = 2000;
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var options = redisOptions ?? new RedisOptions();
        options.KeyPrefix = prefix;
        var keys = new RedisKeys(prefix);
        var ownership = new RedisCallOwnership(redis, keys, id);
        var events = new RecordingCallEvents();
        var directory = new CallDirectory(events);
        var preJoiner = edge is null
            ? null
            : new EdgePreJoiner(edge, Options.Create(new BridgeOptions()), time, NullLogger<EdgePreJoiner>.Instance);
        var registry = new RedisCallRegistry(
            redis, keys, ownership, Options.Create(new CallRegistryOptions { ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(60) }),
            Options.Create(options), time, NullLogger<RedisCallRegistry>.Instance, agents, directory, edge, preJoiner, agents);
        var heartbeat = new RedisInstanceHeartbeat(
            redis, keys, ownership, Options.Create(options), time, NullLogger<RedisInstanceHeartbeat>.Instance, registry, events, agents);
        var node = new RedisNode(redis, keys, ownership, registry, directory, heartbeat, events);
        await node.WaitSubscribedAsync();
        return node;
    }

    /// <summary>Waits (bounded) until the registry listens for notices; its subscription starts in the background.</summary>
    public async Task WaitSubscribedAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!Registry.IsSubscribed)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the registry did not subscribe to its channel");
            }

            await Registry.RetryPendingAsync(redisLostState: false, CancellationToken.None);
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        Heartbeat.Dispose();
        await Redis.DisposeAsync();
    }
}
