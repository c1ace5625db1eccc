using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using PhoneBridge.Core.Cluster;

namespace PhoneBridge.Redis.Routing;

public static class RedisRoutingServiceCollectionExtensions
{
    /// <summary>
    /// Requests about a call reach the instance that owns it over Redis pub/sub: <see cref="RedisCallRouter"/> as
    /// <see cref="ICallRouter"/> (replacing the single-process one) and as a hosted service (it listens from start),
    /// with <see cref="RedisRoutingOptions"/> (<c>PhoneBridge:Redis:Routing</c>, validated at start). Needs the Redis
    /// connection, <see cref="RedisKeys"/> and the shared <see cref="ICallOwnership"/>. Idempotent.
    /// </summary>
    public static IServiceCollection AddRedisCallRouting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RedisRoutingOptions>()
            .BindConfiguration(RedisRoutingOptions.SectionName)
            .Validate(o => o.IsValid(), "PhoneBridge:Redis:Routing: Timeout must be between 0 (exclusive) and 1 minute, MaxInFlight 1-100000.")
            .ValidateOnStart();
        services.AddCallRouting();
        services.TryAddSingleton<RedisCallRouter>();
        services.Replace(ServiceDescriptor.Singleton<ICallRouter>(sp => sp.GetRequiredService<RedisCallRouter>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisCallRouter>(sp => sp.GetRequiredService<RedisCallRouter>()));
        return services;
    }
}
