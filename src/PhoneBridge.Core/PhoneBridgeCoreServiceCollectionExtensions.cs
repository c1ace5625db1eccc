using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core;

public static class PhoneBridgeCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the call registry, the bridge and their options. Other modules may register their own
    /// <see cref="ICallRegistry"/> or edge first; these defaults only fill the gaps.
    /// </summary>
    public static IServiceCollection AddPhoneBridgeCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<CallRegistryOptions>()
            .BindConfiguration(CallRegistryOptions.SectionName)
            .Validate(o => o.ConnectTimeout > TimeSpan.Zero, "PhoneBridge:Registry:ConnectTimeout must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<InMemoryCallRegistry>();
        services.TryAddSingleton<ICallRegistry>(sp => sp.GetRequiredService<InMemoryCallRegistry>());

        return services;
    }
}
