using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Twilio.Calls;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Webhooks;
using PhoneBridge.Core.Http;

namespace PhoneBridge.Twilio;

public static class TwilioServiceCollectionExtensions
{
    /// <summary>
    /// Twilio options (validated on start: outside Development an auth token is required), the REST client,
    /// <see cref="TwilioCallControl"/> (also as an <see cref="IPhoneCallControl"/>) and the host pieces the endpoints use, plus the core registry and bridge (<c>AddPhoneBridgeCore</c>,
    /// whose earlier registrations win). Idempotent.
    /// </summary>
    public static IServiceCollection AddTwilio(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(TwilioRestClient)))
        {
            return services;
        }

        services.AddPhoneBridgeHosting();
        services.AddPhoneBridgeCore();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TwilioOptions>()
            .BindConfiguration(TwilioOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<TwilioOptions>, TwilioOptionsAliases>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<PhoneBridgeOptions>, TwilioPublicUrlAlias>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.TryAddSingleton<MediaSignatureAlarm>();
        services.AddTwilioAmdCommand();     // AMD verdicts other instances forward for calls held here
        services.AddTwilioStatusCommand();  // call statuses other instances forward for calls held here
        // Twilio's REST API creates and updates calls with POST, so only requests the client marks idempotent
        // (hangup) are retried; creating a call or redirecting it never is (TwilioRestClient says why).
        services.AddHttpClient<TwilioRestClient>().AddPhoneBridgeResilience(TwilioOptions.HttpSectionName);
        // Transient like the typed TwilioRestClient it wraps, so the HttpClient handler rotation keeps working.
        services.TryAddTransient<TwilioOutboundCalls>();
        // One of the IPhoneCallControl set the provider-neutral call API picks from by provider name.
        services.TryAddSingleton<TwilioCallControl>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPhoneCallControl, TwilioCallControl>(
            sp => sp.GetRequiredService<TwilioCallControl>()));
        return services;
    }

    public static WebApplicationBuilder AddTwilio(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTwilio();
        return builder;
    }
}
