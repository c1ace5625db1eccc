using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Redis.Tests.Infrastructure;
using PhoneBridge.Redis.Webhooks;

namespace PhoneBridge.Redis.Tests.Cluster;

public sealed class WebhookDeduplicationTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task A_key_seen_by_one_instance_is_a_duplicate_on_the_other_until_forgotten()
    {
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a");
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b");
        var onA = Dedup(a);
        var onB = Dedup(b);

        Assert.True(await onA.TryAddAsync("telnyx", "event:1", TimeSpan.FromMinutes(30), default));
        Assert.False(await onB.TryAddAsync("telnyx", "event:1", TimeSpan.FromMinutes(30), default));
        Assert.True(await onB.ContainsAsync("telnyx", "event:1", default));
        Assert.True(await onB.TryAddAsync("telnyx", "event:2", TimeSpan.FromMinutes(30), default));

        await onA.RemoveAsync("telnyx", "event:1", default);
        Assert.True(await onB.TryAddAsync("telnyx", "event:1", TimeSpan.FromMinutes(30), default));
    }

    [Fact]
    public async Task A_key_is_kept_for_the_window_given()
    {
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a");
        await Dedup(a).TryAddAsync("telnyx", "event:9", TimeSpan.FromMinutes(30), default);

        var ttl = await a.Redis.GetDatabase().KeyTimeToLiveAsync(a.Keys.Webhook("telnyx", "event:9"));

        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));
    }

    private static RedisWebhookDeduplication Dedup(RedisNode node) =>
        new(node.Redis, node.Keys, Options.Create(new RedisOptions()), NullLogger<RedisWebhookDeduplication>.Instance);
}
