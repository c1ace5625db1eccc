using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Redis.Cluster;
using PhoneBridge.Redis.Routing;
using PhoneBridge.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Tests.Routing;

/// <summary>
/// The request/reply bus on a real redis-server: the owner's answer comes back unchanged, one that does not listen
/// or does not answer in time is a 503 or 504 problem, the in-flight bound answers 503 at once, and a request to
/// every other instance gathers their answers but not the sender's own.
/// </summary>
public sealed class RedisCallRouterTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _prefix = "route-" + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly List<(RedisCallRouter Router, ConnectionMultiplexer Redis)> _started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (router, connection) in _started)
        {
            await router.StopAsync(CancellationToken.None);
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_owners_answer_comes_back_unchanged_status_location_and_body()
    {
        var sender = await StartAsync("a", new RedisRoutingOptions());
        await StartAsync("b", new RedisRoutingOptions(), new CallCommandHandler("t.act", (command, _) =>
            Task.FromResult<IResult>(TypedResults.Accepted("/calls/" + command.Key, new { key = command.Key, got = command.Arguments?.GetProperty("n").GetInt32() }))));

        var reply = await sender.SendAsync("b", new CallCommand("t.act", "call-1", JsonSerializer.SerializeToElement(new { n = 7 })), CancellationToken.None);

        Assert.Equal(202, reply.Status);
        Assert.Equal("/calls/call-1", reply.Location);
        Assert.StartsWith("application/json", reply.ContentType, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(reply.Body!);
        Assert.Equal("call-1", body.RootElement.GetProperty("key").GetString());
        Assert.Equal(7, body.RootElement.GetProperty("got").GetInt32());
    }

    [Fact]
    public async Task An_owner_that_does_not_listen_is_a_503_problem_at_once()
    {
        var sender = await StartAsync("a", new RedisRoutingOptions { Timeout = TimeSpan.FromSeconds(20) });

        var started = Stopwatch.StartNew();
        var reply = await sender.SendAsync("gone", new CallCommand("t.act", "call-1"), CancellationToken.None);

        Assert.Equal(503, reply.Status);
        Assert.Equal(CallCommandReplies.ProblemContentType, reply.ContentType);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), "waited for an owner nobody listens as");
    }

    [Fact]
    public async Task An_owner_slower_than_the_timeout_is_a_504_problem_and_the_in_flight_bound_answers_503_meanwhile()
    {
        var sender = await StartAsync("a", new RedisRoutingOptions { Timeout = TimeSpan.FromMilliseconds(500), MaxInFlight = 1 });
        await StartAsync("b", new RedisRoutingOptions { Timeout = TimeSpan.FromSeconds(10) }, new CallCommandHandler("t.slow", async (_, http) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
            return TypedResults.Ok();
        }));

        var slow = sender.SendAsync("b", new CallCommand("t.slow", "call-1"), CancellationToken.None);
        var second = await sender.SendAsync("b", new CallCommand("t.slow", "call-2"), CancellationToken.None);
        var first = await slow;

        Assert.Equal(503, second.Status);
        Assert.Equal(504, first.Status);
        using var problem = JsonDocument.Parse(first.Body!);
        Assert.Equal(504, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_request_to_every_other_instance_gathers_their_answers_and_not_the_senders()
    {
        CallCommandHandler Answer(string who) => new("t.who", (_, _) => Task.FromResult<IResult>(TypedResults.Ok(who)));
        var sender = await StartAsync("a", new RedisRoutingOptions(), Answer("a"));
        await StartAsync("b", new RedisRoutingOptions(), Answer("b"));
        await StartAsync("c", new RedisRoutingOptions(), Answer("c"));

        var replies = await sender.SendToOthersAsync(new CallCommand("t.who", "*"), CancellationToken.None);

        Assert.Equal(["\"b\"", "\"c\""], replies.Select(r => r.Body!).Order(StringComparer.Ordinal));
    }

    private async Task<RedisCallRouter> StartAsync(string instanceId, RedisRoutingOptions options, params CallCommandHandler[] handlers)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var keys = new RedisKeys(_prefix);
        var executor = new CallCommandExecutor(handlers, services.GetRequiredService<IServiceScopeFactory>(), NullLogger<CallCommandExecutor>.Instance);
        var router = new RedisCallRouter(
            connection, keys, new RedisCallOwnership(connection, keys, instanceId), executor, Options.Create(options), TimeProvider.System,
            NullLogger<RedisCallRouter>.Instance);
        await router.StartAsync(CancellationToken.None);
        _started.Add((router, connection));
        return router;
    }
}
