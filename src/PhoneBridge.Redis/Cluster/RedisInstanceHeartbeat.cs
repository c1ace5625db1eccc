using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Registry;
using PhoneBridge.Redis.Registry;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Cluster;

/// <summary>
/// Keeps this instance alive in Redis and cleans up after instances that are not. Every
/// <see cref="RedisOptions.HeartbeatInterval"/> (a <see cref="TimeProvider"/> timer) it renews its heartbeat key
/// (<see cref="RedisKeys.Heartbeat"/>, TTL <see cref="RedisOptions.HeartbeatTimeout"/>), retries what Redis missed
/// (<see cref="RedisCallRegistry.RetryPendingAsync"/>), and sweeps: whichever instance takes the short sweep lock
/// first looks for instances whose heartbeat key is gone, ends their calls (a <c>phone.call</c> <c>ended</c> event with
/// reason <see cref="InstanceLostReason"/>, the handed-over agent session closed) and removes their entries.
/// </summary>
/// <remarks>
/// The heartbeat window: an instance that stops (crash, <c>kill -9</c>, network) keeps its key for at most
/// <see cref="RedisOptions.HeartbeatTimeout"/> after its last beat, and the next sweep (within one
/// <see cref="RedisOptions.HeartbeatInterval"/>) removes its calls: with the defaults (2 s, 6 s), 6 to 8 s after it
/// stopped. A restarted Redis loses every key; the next beat notices its own key was missing and writes back the
/// entries of the calls this instance owns.
/// </remarks>
public sealed class RedisInstanceHeartbeat : BackgroundService
{
    /// <summary>The end reason given to calls of an instance that stopped heartbeating.</summary>
    public const string InstanceLostReason = "instance-lost";

    private static readonly LuaScript Beat = LuaScript.Prepare("""
        local existed = redis.call('EXISTS', @heartbeat)
        redis.call('SET', @heartbeat, @me, 'PX', @ttl)
        redis.call('SADD', @instances, @me)
        return existed
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly string _me;
    private readonly RedisOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisInstanceHeartbeat> _logger;
    private readonly RedisCallRegistry? _registry;
    private readonly ICallEventPublisher? _events;
    private readonly IPreparedWorkHandover? _handover;
    private bool _failing;

    public RedisInstanceHeartbeat(
        IConnectionMultiplexer redis,
        RedisKeys keys,
        ICallOwnership ownership,
        IOptions<RedisOptions> options,
        TimeProvider time,
        ILogger<RedisInstanceHeartbeat> logger,
        RedisCallRegistry? registry = null,
        ICallEventPublisher? events = null,
        IPreparedWorkHandover? handover = null)
    {
        ArgumentNullException.ThrowIfNull(ownership);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = keys;
        _me = ownership.InstanceId;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _registry = registry;
        _events = events;
        _handover = handover;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        do
        {
            await BeatOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One beat: renew, retry, sweep. Never throws but when cancelled; failures are logged once per outage.</summary>
    public async Task BeatOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var existed = (int)await _redis.GetDatabase()
                .ScriptEvaluateAsync(Beat, new
                {
                    heartbeat = _keys.Heartbeat(_me),
                    instances = _keys.Instances,
                    me = (RedisValue)_me,
                    ttl = (RedisValue)(long)_options.HeartbeatTimeout.TotalMilliseconds,
                })
                .WaitAsync(_options.CommandTimeout, cancellationToken)
                .ConfigureAwait(false);
            var resumed = _failing;
            if (resumed)
            {
                _failing = false;
                RedisClusterLog.HeartbeatResumed(_logger, _me);
            }

            if (_registry is not null)
            {
                // After an outage Redis may be a new, empty one even if this key made it: write back what it lacks.
                await _registry.RetryPendingAsync(redisLostState: existed == 0 || resumed, cancellationToken).ConfigureAwait(false);
            }

            await SweepOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Redis down or slow above all; anything else is logged the same way rather than stopping the host, and
            // the next beat tries again.
            if (!_failing)
            {
                _failing = true;
                RedisClusterLog.HeartbeatFailed(_logger, _me, e.GetType().Name);
            }
        }
    }

    /// <summary>Sweeps lost instances if no other instance holds the sweep lock. The number of calls removed.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase();
        var locked = await db.StringSetAsync(_keys.SweepLock, _me, _options.HeartbeatInterval, When.NotExists)
            .WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (!locked)
        {
            return 0;
        }

        var removed = 0;
        foreach (var member in await db.SetMembersAsync(_keys.Instances).WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false))
        {
            var instance = (string)member!;
            if (instance == _me || await db.KeyExistsAsync(_keys.Heartbeat(instance)).WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            removed += await SweepInstanceAsync(db, instance, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private async Task<int> SweepInstanceAsync(IDatabase db, string instance, CancellationToken cancellationToken)
    {
        var owned = _keys.OwnedCalls(instance);
        var removed = 0;
        foreach (var member in await db.SetMembersAsync(owned).WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false))
        {
            var callId = (string)member!;
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(RegistryScripts.Sweep, new { call = _keys.Call(callId), lost = (RedisValue)instance })
                .WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false))!;
            if (result.Length == 0)
            {
                continue;
            }

            removed++;
            EndLostCall(callId, (string?)result[0], (string?)result[1], (string?)result[2]);
        }

        await db.KeyDeleteAsync(owned).WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        await db.SetRemoveAsync(_keys.Instances, instance).WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        RedisClusterLog.InstanceLost(_logger, instance, removed);
        return removed;
    }

    private void EndLostCall(string callId, string? infoJson, string? prep, string? prepared)
    {
        CallInfo? info = null;
        try
        {
            info = string.IsNullOrEmpty(infoJson) ? null : CallInfoJson.Deserialize(infoJson);
        }
        catch (System.Text.Json.JsonException)
        {
            // Written by another version; the entry is gone all the same.
        }

        if (info is not null)
        {
            _events?.Publish(new LiveCall(info), new PhoneCallEvent(callId, "ended", InstanceLostReason));
        }

        // The agent session the lost owner would have closed at hangup.
        if (prep == "done" && !string.IsNullOrEmpty(prepared) && _handover?.Restore(prepared) is { } orphan)
        {
            _ = DisposeQuietlyAsync(callId, orphan);
        }
    }

    private async Task DisposeQuietlyAsync(string callId, object prepared)
    {
        try
        {
            await PreparedWork.DisposeAsync(prepared).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisClusterLog.LostCallCleanupFailed(_logger, callId, e);
        }
    }
}
