using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Health;

/// <summary>
/// Health check <c>redis</c> (tagged <c>ready</c>): a PING within <see cref="RedisOptions.CommandTimeout"/>. Unhealthy
/// while Redis cannot be reached, so a load balancer sends new calls to instances that can register them; calls in
/// progress are not affected.
/// </summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IHealthCheck
{
    public const string Name = "redis";

    public const string ReadyTag = "ready";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(options.Value.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.#} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy(e is TimeoutException ? "Redis did not answer PING in time." : "Redis cannot be reached.");
        }
    }
}
