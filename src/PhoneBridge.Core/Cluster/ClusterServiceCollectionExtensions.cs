using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PhoneBridge.Core.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// The single-process defaults of routing between instances: <see cref="LocalCallRouter"/> (nobody to forward
    /// to) and the <see cref="CallCommandExecutor"/> a clustered router hands forwarded commands to. Idempotent.
    /// </summary>
    public static IServiceCollection AddCallRouting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ICallRouter, LocalCallRouter>();
        services.TryAddSingleton<CallCommandExecutor>();
        return services;
    }

    /// <summary>Registers how this instance runs <paramref name="action"/> when another instance forwards it.</summary>
    public static IServiceCollection AddCallCommand(
        this IServiceCollection services, string action, Func<CallCommand, HttpContext, Task<IResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new CallCommandHandler(action, handle));
        return services;
    }
}
