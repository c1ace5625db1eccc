using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Http;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.Rest;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Webhooks;

namespace PhoneBridge.Telnyx;

public static class TelnyxServiceCollectionExtensions
{
    /// <summary>Section of the Call Control client's timeouts and retry budget.</summary>
    public const string HttpSection = TelnyxOptions.SectionName + ":Http";

    /// <summary>
    /// Registers the Telnyx provider: options (section <c>Telnyx</c>, validated at start when configured),
    /// webhook verification, the Call Control client, <see cref="TelnyxCallControl"/> (also as an
    /// <see cref="IPhoneCallControl"/>) and the background command worker.
    /// </summary>
    public static IServiceCollection AddTelnyx(this IServiceCollection services)
    {
        services.AddOptions<TelnyxOptions>().BindConfiguration(TelnyxOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelnyxOptions>, TelnyxOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddPhoneBridgeHosting();

        services.TryAddSingleton(sp => TelnyxSignatureVerifier.FromBase64(
            sp.GetRequiredService<IOptions<TelnyxOptions>>().Value.PublicKey ?? string.Empty,
            sp.GetRequiredService<TimeProvider>()));
        services.AddHttpClient<TelnyxCallControlClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<TelnyxOptions>>().Value;
            TelnyxCallControlClient.Configure(http, options.ApiBaseUrl, options.ApiKey ?? string.Empty);
        }).AddPhoneBridgeResilience(HttpSection);

        services.TryAddSingleton<TelnyxCallTracker>();
        services.TryAddSingleton<ITelnyxCommandObserver, TelnyxCommandObserver>();
        services.TryAddSingleton<TelnyxCommandQueue>();
        services.TryAddSingleton<TelnyxEventProcessor>();
        services.AddTelnyxEventCommand();   // hangups and verdicts other instances forward for calls held here
        services.TryAddTransient(sp => new TelnyxOutboundCalls(
            sp.GetRequiredService<ICallRegistry>(),
            sp.GetRequiredService<TelnyxCallControlClient>(),
            sp.GetRequiredService<TelnyxCallTracker>(),
            sp.GetRequiredService<IOptions<TelnyxOptions>>(),
            sp.GetRequiredService<IOptionsMonitor<PhoneBridgeOptions>>(),
            sp.GetRequiredService<ILogger<TelnyxOutboundCalls>>(),
            sp.GetService<CallDirectory>()));
        // One of the IPhoneCallControl set the provider-neutral call API picks from by provider name.
        services.TryAddSingleton<TelnyxCallControl>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPhoneCallControl, TelnyxCallControl>(
            sp => sp.GetRequiredService<TelnyxCallControl>()));
        services.AddHostedService<TelnyxCommandWorker>();
        return services;
    }

    public static WebApplicationBuilder AddTelnyx(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTelnyx();
        return builder;
    }
}
