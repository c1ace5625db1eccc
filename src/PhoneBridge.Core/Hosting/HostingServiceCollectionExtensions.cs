using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Hosting;

public static class HostingServiceCollectionExtensions
{
    /// <summary>Binds <see cref="PhoneBridgeOptions"/> (validated on start) and registers <see cref="PublicUrlResolver"/>. Idempotent.</summary>
    public static IServiceCollection AddPhoneBridgeHosting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(PublicUrlResolver)))
        {
            return services;
        }

        services.AddOptions<PhoneBridgeOptions>()
            .BindConfiguration(PhoneBridgeOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PhoneBridgeOptions>, PhoneBridgeOptionsValidator>());
        services.AddSingleton<PublicUrlResolver>();
        return services;
    }
}
