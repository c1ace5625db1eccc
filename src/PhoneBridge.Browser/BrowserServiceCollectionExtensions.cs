using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneBridge.Browser.Listen;
using PhoneBridge.Browser.Media;
using PhoneBridge.Core;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Rtc;

namespace PhoneBridge.Browser;

public static class BrowserServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="BrowserOptions"/> (<c>PhoneBridge:Browser</c>, validated on start), the browser calls and listen-in
    /// connections, and what they stand on: the core registry and bridge, the calls directory, and the WebRTC stack
    /// (<c>PhoneBridge:Rtc</c>: host addresses, public IP, port range, STUN/TURN are the ones every connection uses).
    /// Idempotent.
    /// </summary>
    public static IServiceCollection AddBrowser(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(BrowserCalls)))
        {
            return services;
        }

        services.AddPhoneBridgeHosting();
        services.AddPhoneBridgeCore();
        services.AddCalls();
        if (!services.Any(d => d.ServiceType == typeof(PeerConnectionFactory)))
        {
            services.AddPhoneBridgeRtc();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<BrowserOptions>()
            .BindConfiguration(BrowserOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<BrowserCalls>();
        services.TryAddSingleton<ListenSessions>();
        return services;
    }

    public static WebApplicationBuilder AddBrowser(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddBrowser();
        return builder;
    }
}
