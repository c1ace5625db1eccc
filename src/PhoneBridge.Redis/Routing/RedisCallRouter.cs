using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Cluster;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Routing;

/// <summary>
/// The request/reply bus between instances, on Redis pub/sub. Each instance listens on its own channel
/// (<c>P instance:{id}:calls</c>) for commands and on <c>P instance:{id}:replies</c> for answers, and all listen on
/// <c>P calls:all</c> for commands whose owner cannot be named. A request carries a new correlation id and the
/// sender's id; the executor runs it and the answer goes back to the sender's reply channel. In flight both ways is
/// bounded (<see cref="RedisRoutingOptions.MaxInFlight"/>): past it a request is answered 503 at once; an owner that
/// does not answer in <see cref="RedisRoutingOptions.Timeout"/> is answered 504. Pub/sub needs no state in Redis, so
/// a restarted Redis carries requests again as soon as the client has reconnected and resubscribed.
/// </summary>
public sealed class RedisCallRouter : ICallRouter, IHostedService
{
    public const string CallsTopic = "calls";
    public const string RepliesTopic = "replies";

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly CallCommandExecutor _executor;
    private readonly RedisRoutingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisCallRouter> _logger;
    private readonly string _instanceId;
    private readonly RedisChannel _requests;
    private readonly RedisChannel _replies;
    private readonly RedisChannel _everyone;
    private readonly SemaphoreSlim _sending;
    private readonly SemaphoreSlim _serving;
    private readonly ConcurrentDictionary<string, PendingReplies> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private int _subscribed;
    private bool _waitLogged;

    public RedisCallRouter(
        IConnectionMultiplexer redis,
        RedisKeys keys,
        ICallOwnership ownership,
        CallCommandExecutor executor,
        IOptions<RedisRoutingOptions> options,
        TimeProvider time,
        ILogger<RedisCallRouter> logger)
    {
        ArgumentNullException.ThrowIfNull(ownership);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = keys;
        _executor = executor;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _instanceId = ownership.InstanceId;
        _requests = keys.InstanceChannel(_instanceId, CallsTopic);
        _replies = keys.InstanceChannel(_instanceId, RepliesTopic);
        _everyone = RedisChannel.Literal(keys.Prefix + "calls:all");
        _sending = new SemaphoreSlim(_options.MaxInFlight, _options.MaxInFlight);
        _serving = new SemaphoreSlim(_options.MaxInFlight, _options.MaxInFlight);
    }

    public bool IsClustered => true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The server starts while Redis is down (its registrations answer 503 meanwhile); the bus subscribes once
        // the connection comes up. After that the client restores the subscriptions itself across reconnects.
        _redis.ConnectionRestored += OnConnectionRestored;
        await TrySubscribeAsync().ConfigureAwait(false);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (Volatile.Read(ref _subscribed) == 0 && !_stopping.IsCancellationRequested)
        {
            _ = TrySubscribeAsync();
        }
    }

    private async Task TrySubscribeAsync()
    {
        await _subscribing.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_subscribed == 1 || _stopping.IsCancellationRequested)
            {
                return;
            }

            var subscriber = _redis.GetSubscriber();
            // A subscription that failed half-way may still be recorded by the client: start from none, so no
            // handler is ever attached twice (a command must run once).
            await subscriber.UnsubscribeAsync(_replies).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(_requests).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(_everyone).ConfigureAwait(false);
            // Concurrent delivery: a slow command never holds up the replies behind it.
            await subscriber.SubscribeAsync(_replies, (_, message) => OnReply(message)).ConfigureAwait(false);
            await subscriber.SubscribeAsync(_requests, (channel, message) => OnRequest(channel, message)).ConfigureAwait(false);
            await subscriber.SubscribeAsync(_everyone, (channel, message) => OnRequest(channel, message)).ConfigureAwait(false);
            Volatile.Write(ref _subscribed, 1);
            RedisRoutingLog.RoutingStarted(_logger, _instanceId);
        }
        catch (RedisException)
        {
            if (!_waitLogged)
            {
                _waitLogged = true;
                RedisRoutingLog.RoutingWaiting(_logger, _instanceId);
            }
        }
        finally
        {
            _subscribing.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _redis.ConnectionRestored -= OnConnectionRestored;
        try
        {
            var subscriber = _redis.GetSubscriber();
            await subscriber.UnsubscribeAsync(_requests).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(_everyone).ConfigureAwait(false);
            await subscriber.UnsubscribeAsync(_replies).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Redis is away; the subscriptions die with the connection.
        }
    }

    public async Task<CallCommandReply> SendAsync(string instanceId, CallCommand command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentNullException.ThrowIfNull(command);
        var replies = await RequestAsync(_keys.InstanceChannel(instanceId, CallsTopic), instanceId, command, cancellationToken).ConfigureAwait(false);
        return replies.Count > 0 ? replies[0] : CallCommandReplies.Problem(StatusCodes.Status504GatewayTimeout, "Owner did not answer",
            "The instance that holds this call did not answer in time. The action may or may not have been done.");
    }

    public Task<IReadOnlyList<CallCommandReply>> SendToOthersAsync(CallCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RequestAsync(_everyone, owner: null, command, cancellationToken);
    }

    /// <summary>
    /// Publishes one request and gathers its answers: one from <paramref name="owner"/>, or one from every other
    /// listener when <paramref name="owner"/> is null. A failure is answered as a problem (to one owner) or as no
    /// answers (to all), with one log line.
    /// </summary>
    private async Task<IReadOnlyList<CallCommandReply>> RequestAsync(
        RedisChannel channel, string? owner, CallCommand command, CancellationToken cancellationToken)
    {
        if (!_sending.Wait(0))
        {
            RedisRoutingLog.ForwardsFull(_logger, command.Action, command.Key, _options.MaxInFlight);
            return Failed(owner, StatusCodes.Status503ServiceUnavailable, "Too many forwarded requests",
                "This instance has too many requests waiting for other instances. Try again shortly.");
        }

        var id = Guid.NewGuid().ToString("N");
        var pending = new PendingReplies();
        _pending[id] = pending;
        try
        {
            var message = new RouteMessage
            {
                Id = id, From = _instanceId, Action = command.Action, Key = command.Key,
                Arguments = command.Arguments, PublicBaseUrl = command.PublicBaseUrl,
            };
            long listeners;
            try
            {
                listeners = await _redis.GetSubscriber()
                    .PublishAsync(channel, JsonSerializer.Serialize(message, RouteMessageJson.Default.RouteMessage))
                    .WaitAsync(_options.Timeout, _time, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                RedisRoutingLog.BusUnreachable(_logger, command.Action, command.Key, e.GetType().Name);
                return Failed(owner, StatusCodes.Status503ServiceUnavailable, "Owner not reachable",
                    "The bus to the instance that holds this call is down. Try again shortly.");
            }

            // Everyone listening on the shared channel includes this instance, which does not answer itself.
            var expected = owner is null ? (int)Math.Max(0, listeners - 1) : 1;
            if (owner is not null && listeners == 0)
            {
                RedisRoutingLog.OwnerNotListening(_logger, command.Action, command.Key, owner);
                return Failed(owner, StatusCodes.Status503ServiceUnavailable, "Owner not reachable",
                    "The instance that holds this call is not listening (it may have stopped). Try again shortly.");
            }

            if (expected == 0 || pending.Expect(expected))
            {
                return pending.Replies;
            }

            try
            {
                await pending.Done.WaitAsync(_options.Timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                if (owner is not null)
                {
                    RedisRoutingLog.ForwardTimedOut(_logger, command.Action, command.Key, owner, (long)_options.Timeout.TotalMilliseconds);
                    return Failed(owner, StatusCodes.Status504GatewayTimeout, "Owner did not answer",
                        "The instance that holds this call did not answer in time. The action may or may not have been done.");
                }

                RedisRoutingLog.OthersPartlySilent(_logger, command.Action, command.Key, expected, pending.Replies.Count, (long)_options.Timeout.TotalMilliseconds);
            }

            return pending.Replies;
        }
        finally
        {
            _pending.TryRemove(id, out _);
            _sending.Release();
        }
    }

    private static IReadOnlyList<CallCommandReply> Failed(string? owner, int status, string title, string detail) =>
        owner is null ? [] : [CallCommandReplies.Problem(status, title, detail)];

    private void OnReply(RedisValue value)
    {
        var message = Read(value, _replies);
        if (message?.Status is { } status && _pending.TryGetValue(message.Id, out var pending))
        {
            pending.Add(new CallCommandReply(status, message.ContentType, message.Location, message.Body));
        }
    }

    private void OnRequest(RedisChannel channel, RedisValue value)
    {
        var message = Read(value, channel);
        if (message is not { Action: { } action, Key: { } key, From: { } from } || from == _instanceId)
        {
            return;
        }

        _ = ServeAsync(new CallCommand(action, key, message.Arguments, message.PublicBaseUrl), message.Id, from);
    }

    private async Task ServeAsync(CallCommand command, string id, string from)
    {
        CallCommandReply reply;
        if (!_serving.Wait(0))
        {
            RedisRoutingLog.ForwardsFull(_logger, command.Action, command.Key, _options.MaxInFlight);
            reply = CallCommandReplies.Problem(StatusCodes.Status503ServiceUnavailable, "Owner busy",
                "The instance that holds this call has too many forwarded requests running. Try again shortly.");
        }
        else
        {
            try
            {
                // Off the subscriber's thread; cancelled when the sender has given up anyway.
                await Task.Yield();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(_options.Timeout);
                reply = await _executor.ExecuteAsync(command, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RedisRoutingLog.CommandFailed(_logger, e, command.Action, command.Key, from);
                reply = CallCommandReplies.Problem(StatusCodes.Status500InternalServerError, "Owner failed",
                    "The instance that holds this call failed to run the request.");
            }
            finally
            {
                _serving.Release();
            }
        }

        var answer = new RouteMessage { Id = id, Status = reply.Status, ContentType = reply.ContentType, Location = reply.Location, Body = reply.Body };
        try
        {
            await _redis.GetSubscriber()
                .PublishAsync(_keys.InstanceChannel(from, RepliesTopic), JsonSerializer.Serialize(answer, RouteMessageJson.Default.RouteMessage))
                .ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            RedisRoutingLog.ReplyLost(_logger, command.Action, command.Key, from, e.GetType().Name);
        }
    }

    private RouteMessage? Read(RedisValue value, RedisChannel channel)
    {
        try
        {
            return JsonSerializer.Deserialize((string?)value ?? "", RouteMessageJson.Default.RouteMessage);
        }
        catch (JsonException)
        {
            RedisRoutingLog.MessageMalformed(_logger, channel.ToString());
            return null;
        }
    }
}
