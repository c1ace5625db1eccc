using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Registry;
using PhoneBridge.Redis.Cluster;
using PhoneBridge.Redis.Connection;
using PhoneBridge.Redis.Health;
using PhoneBridge.Redis.Webhooks;
using PhoneBridge.Redis.Registry;
using PhoneBridge.Redis.Routing;
using StackExchange.Redis;

namespace PhoneBridge.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Shares the calls of several instances through Redis when <c>ConnectionStrings:Redis</c> (or its alias
    /// <c>REDIS_URL</c>) is set; without it nothing is registered and the single-process defaults stay.
    /// </summary>
    public static IHostApplicationBuilder AddRedisWhenConfigured(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(RedisOptions.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.AddPhoneBridgeRedis(connectionString);
        }

        return builder;
    }

    /// <summary>
    /// Registers one <see cref="IConnectionMultiplexer"/> for <paramref name="connectionString"/> (a redis:// URL or a
    /// StackExchange.Redis configuration string, see <see cref="RedisConnectionString"/>), the options
    /// (<c>PhoneBridge:Redis</c>, validated at start), <see cref="RedisKeys"/>, <see cref="RedisCallOwnership"/>
    /// as <see cref="ICallOwnership"/> and <see cref="RedisCallRegistry"/> as <see cref="ICallRegistry"/> (replacing the
    /// single-process ones), the shared Telnyx webhook de-duplication (<see cref="IWebhookDeduplication"/>), the
    /// heartbeat and sweep (<see cref="RedisInstanceHeartbeat"/>, a hosted service) and the <c>redis</c> health check
    /// tagged <c>ready</c>. The connection does not abort when Redis
    /// is down: the server starts and the client reconnects in the background. Call after or before
    /// <c>AddPhoneBridgeCore</c>; the Redis services replace the in-memory ones either way.
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed (reported at start, without its value).</exception>
    public static IServiceCollection AddPhoneBridgeRedis(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        var configuration = RedisConnectionString.Parse(connectionString);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.SectionName)
            .Validate(o => o.IsValid(out _), "PhoneBridge:Redis: KeyPrefix 1-64 characters without spaces; HeartbeatInterval 100 ms-1 min; HeartbeatTimeout at least twice the interval and at most 5 min; CommandTimeout 0-30 s.")
            .ValidateOnStart();
        // The client's own logging stays off: it writes an Error per reconnect attempt while Redis is down. Outages are
        // logged once each by the heartbeat, the registry and the de-duplication (docs/logging.md, PhoneBridge.Redis).
        services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration.Clone()));
        services.TryAddSingleton<RedisKeys>();
        services.Replace(ServiceDescriptor.Singleton<ICallOwnership, RedisCallOwnership>());
        services.TryAddSingleton<RedisCallRegistry>();
        services.Replace(ServiceDescriptor.Singleton<ICallRegistry>(sp => sp.GetRequiredService<RedisCallRegistry>()));
        services.TryAddSingleton<IWebhookDeduplication, RedisWebhookDeduplication>();
        services.TryAddSingleton<RedisInstanceHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisInstanceHeartbeat>());
        services.AddHealthChecks().AddCheck<RedisHealthCheck>(RedisHealthCheck.Name, tags: [RedisHealthCheck.ReadyTag]);
        services.AddRedisCallRouting();     // Routing/: requests about a call reach its owner over pub/sub
        return services;
    }
}
