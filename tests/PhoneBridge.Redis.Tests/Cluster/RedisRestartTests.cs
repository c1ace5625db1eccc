using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Registry;
using PhoneBridge.Redis.Health;
using PhoneBridge.Redis.Tests.Infrastructure;
using PhoneBridge.Redis.Tests.Registry;

namespace PhoneBridge.Redis.Tests.Cluster;

/// <summary>Takes its own redis-server away and brings it back; not shared with other classes.</summary>
public sealed class RedisRestartTests : IAsyncLifetime
{
    private RedisServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task While_Redis_is_down_calls_in_progress_carry_on_registration_fails_as_unavailable_and_all_works_again_once_it_is_back()
    {
        var options = new RedisOptions { CommandTimeout = TimeSpan.FromSeconds(1) };
        await using var a = await RedisNode.StartAsync(_server, "r:", "a", redisOptions: options);
        var health = new RedisHealthCheck(a.Redis, Options.Create(options));
        var first = await a.Registry.RegisterAsync(new CallRegistrationRequest("twilio"));
        var live = (await a.Registry.TryClaimAsync(first.CallId, first.Token)).Call!;
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);

        await _server.StopAsync();

        await Assert.ThrowsAsync<CallRegistryUnavailableException>(() => a.Registry.RegisterAsync(new CallRegistrationRequest("twilio")).AsTask());
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        await a.Heartbeat.BeatOnceAsync(default);
        Assert.False(live.Ended.IsCancellationRequested);
        Assert.Equal(1, a.Registry.Count);

        await _server.StartAgainAsync();

        // The empty Redis learns again who owns the call in progress, and new calls register and claim.
        await RedisCallRegistryTests.WaitUntilAsync(async () =>
        {
            await a.Heartbeat.BeatOnceAsync(default);
            return a.Redis.IsConnected && await a.Ownership.FindOwnerAsync(first.CallId, default) == a.Id;
        });
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        var next = await a.Registry.RegisterAsync(new CallRegistrationRequest("twilio"));
        Assert.Equal(ClaimResult.Claimed, (await a.Registry.TryClaimAsync(next.CallId, next.Token)).Result);
        Assert.False(live.Ended.IsCancellationRequested);
    }
}
