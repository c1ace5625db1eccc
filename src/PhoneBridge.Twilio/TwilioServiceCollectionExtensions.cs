using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Twilio.Rest;

namespace PhoneBridge.Twilio;

public static class TwilioServiceCollectionExtensions
{
    /// <summary>
    /// Twilio options (validated on start: outside Development an auth token is required), the REST client
    /// and the host pieces the endpoints use. The call registry and bridge come from <c>AddPhoneBridgeCore</c>.
    /// </summary>
    public static IServiceCollection AddTwilio(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPhoneBridgeHosting();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TwilioOptions>()
            .BindConfiguration(TwilioOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.AddHttpClient<TwilioRestClient>(http => http.Timeout = TimeSpan.FromSeconds(30));
        return services;
    }

    public static WebApplicationBuilder AddTwilio(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTwilio();
        return builder;
    }
}
