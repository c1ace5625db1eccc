using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Cluster;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Webhooks;

/// <summary>
/// Webhook keys shared by every instance: <c>SET NX</c> with the caller's window on <see cref="RedisKeys.Webhook"/>, so a
/// Telnyx event delivered to A and again to B is acted on once. Failures are logged once per outage and rethrown; the
/// caller falls back to its own memory.
/// </summary>
public sealed class RedisWebhookDeduplication(
    IConnectionMultiplexer redis, RedisKeys keys, IOptions<RedisOptions> options, ILogger<RedisWebhookDeduplication> logger) : IWebhookDeduplication
{
    private int _failing;

    public async ValueTask<bool> TryAddAsync(string provider, string key, TimeSpan window, CancellationToken cancellationToken) =>
        await Run(db => db.StringSetAsync(keys.Webhook(provider, key), 1, window, When.NotExists), cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> ContainsAsync(string provider, string key, CancellationToken cancellationToken) =>
        await Run(db => db.KeyExistsAsync(keys.Webhook(provider, key)), cancellationToken).ConfigureAwait(false);

    public async ValueTask RemoveAsync(string provider, string key, CancellationToken cancellationToken) =>
        await Run(db => db.KeyDeleteAsync(keys.Webhook(provider, key)), cancellationToken).ConfigureAwait(false);

    private async Task<bool> Run(Func<IDatabase, Task<bool>> command, CancellationToken cancellationToken)
    {
        try
        {
            var result = await command(redis.GetDatabase()).WaitAsync(options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _failing, 0) != 0)
            {
                RedisWebhookDeduplicationLog.Resumed(logger);
            }

            return result;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                RedisWebhookDeduplicationLog.Unavailable(logger, e.GetType().Name);
            }

            throw;
        }
    }
}
