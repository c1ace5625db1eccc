using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Core.Hosting;

public static class HostingServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="PhoneBridgeOptions"/>, <see cref="WebhookLimitsOptions"/> and <see cref="SecurityOptions"/>
    /// (validated on start) and registers <see cref="PublicUrlResolver"/>, the shared <see cref="FailedAuthLimiter"/> and
    /// the media-socket flow the providers share (<see cref="PhoneMediaEndpoint"/>, which needs the core bridge).
    /// Idempotent.
    /// </summary>
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

        services.AddOptions<WebhookLimitsOptions>()
            .BindConfiguration(WebhookLimitsOptions.SectionName)
            .Validate(WebhookLimitsOptions.IsValid, "PhoneBridge:Server:MaxWebhookBytes must be between 1024 and 1048576.")
            .ValidateOnStart();
        services.AddOptions<SecurityOptions>()
            .BindConfiguration(SecurityOptions.SectionName)
            .Validate(SecurityOptions.IsValid, "PhoneBridge:Security:MaxFailedAuthPerMinute must be between 1 and 100000.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FailedAuthLimiter>();
        services.TryAddSingleton<PhoneMediaEndpoint>();
        return services;
    }
}
