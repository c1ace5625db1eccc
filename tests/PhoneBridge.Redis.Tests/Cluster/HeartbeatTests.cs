using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Redis.Cluster;
using PhoneBridge.Redis.Tests.Infrastructure;
using PhoneBridge.Redis.Tests.Registry;

namespace PhoneBridge.Redis.Tests.Cluster;

public sealed class HeartbeatTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task The_calls_of_an_instance_that_stops_heartbeating_are_ended_and_removed_within_the_window()
    {
        var window = new RedisOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(200), HeartbeatTimeout = TimeSpan.FromMilliseconds(600) };
        var agents = new FakeAgentServer();
        var a = await RedisNode.StartAsync(redis.Server, _prefix, "a", agents, redisOptions: window);
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b", agents, redisOptions: new RedisOptions
        {
            HeartbeatInterval = window.HeartbeatInterval,
            HeartbeatTimeout = window.HeartbeatTimeout,
        });
        var registration = await b.Registry.RegisterAsync(new CallRegistrationRequest("twilio"));
        var call = (await a.Registry.TryClaimAsync(registration.CallId, registration.Token)).Call!;
        await call.Prepared.WaitAsync(TimeSpan.FromSeconds(20));
        await a.Heartbeat.BeatOnceAsync(default);
        await b.Heartbeat.BeatOnceAsync(default);
        Assert.Equal(0, await b.Heartbeat.SweepOnceAsync(default));
        Assert.Equal(a.Id, await b.Ownership.FindOwnerAsync(registration.CallId, default));

        // A dies as under kill -9: no release, no more beats.
        await a.Redis.CloseAsync(allowCommandsToComplete: false);

        await RedisCallRegistryTests.WaitUntilAsync(async () =>
        {
            await b.Heartbeat.BeatOnceAsync(default);
            return await b.Ownership.FindOwnerAsync(registration.CallId, default) is null;
        });
        Assert.False(await b.Redis.GetDatabase().KeyExistsAsync(b.Keys.Call(registration.CallId)));
        Assert.False(await b.Redis.GetDatabase().SetContainsAsync(b.Keys.Instances, a.Id));
        Assert.Contains(b.Events.Published, e => e is PhoneCallEvent { State: "ended", Reason: RedisInstanceHeartbeat.InstanceLostReason } ended
            && ended.CallId == registration.CallId);
        Assert.Equal(agents.Started, agents.Closed);
    }

    [Fact]
    public async Task A_live_instance_is_never_swept()
    {
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a");
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b");
        var registration = await b.Registry.RegisterAsync(new CallRegistrationRequest("twilio"));
        await a.Registry.TryClaimAsync(registration.CallId, registration.Token);
        await a.Heartbeat.BeatOnceAsync(default);

        await b.Heartbeat.BeatOnceAsync(default);

        Assert.Equal(a.Id, await b.Ownership.FindOwnerAsync(registration.CallId, default));
    }

    [Fact]
    public async Task The_hosted_heartbeat_beats_at_start_and_on_every_tick_of_its_clock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a", time: time);
        var db = a.Redis.GetDatabase();

        await a.Heartbeat.StartAsync(default);
        await RedisCallRegistryTests.WaitUntilAsync(async () => await db.KeyExistsAsync(a.Keys.Heartbeat(a.Id)));
        Assert.True(await db.SetContainsAsync(a.Keys.Instances, a.Id));
        await db.KeyDeleteAsync(a.Keys.Heartbeat(a.Id));

        time.Advance(new RedisOptions().HeartbeatInterval);

        await RedisCallRegistryTests.WaitUntilAsync(async () => await db.KeyExistsAsync(a.Keys.Heartbeat(a.Id)));
        var ttl = await db.KeyTimeToLiveAsync(a.Keys.Heartbeat(a.Id));
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), new RedisOptions().HeartbeatTimeout);
        await a.Heartbeat.StopAsync(default);
    }

    [Theory]
    [InlineData(1000, 1000)]
    [InlineData(1000, 1999)]
    [InlineData(50, 200)]
    public void Heartbeat_options_need_a_timeout_of_at_least_two_intervals(int intervalMs, int timeoutMs)
    {
        var options = new RedisOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(intervalMs), HeartbeatTimeout = TimeSpan.FromMilliseconds(timeoutMs) };

        Assert.False(options.IsValid(out var error));
        Assert.Contains("Heartbeat", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_heartbeat_options_are_valid() => Assert.True(new RedisOptions().IsValid(out _));
}
