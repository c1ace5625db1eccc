using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Bridge.Hold;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Telemetry;

namespace PhoneBridge.Core;

public static class PhoneBridgeCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the call registry, the bridge, its counters, admission control and the drain flag, the hold audio, the local echo edge and their options.
    /// Registrations made earlier win (<see cref="ICallRegistry"/>, <see cref="IEdge"/>, <see cref="TimeProvider"/>),
    /// so e.g. the Stream edge replaces the echo edge by being registered first, or by
    /// <c>services.Replace(...)</c> afterwards.
    /// Idempotent.
    /// </summary>
    public static IServiceCollection AddPhoneBridgeCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(CallBridge)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<CallRegistryOptions>()
            .BindConfiguration(CallRegistryOptions.SectionName)
            .Validate(o => o.ConnectTimeout > TimeSpan.Zero, "PhoneBridge:Registry:ConnectTimeout must be positive.")
            .Validate(o => CallRegistryOptions.IsValidStartTimeout(o.StartTimeout), "PhoneBridge:Registry:StartTimeout must be between 0 (exclusive) and 5 minutes.")
            .ValidateOnStart();
        services.AddOptions<BridgeOptions>()
            .BindConfiguration(BridgeOptions.SectionName)
            .Validate(BridgeOptions.IsValid, "PhoneBridge:Bridge:PreLiveBuffer must be 0-5 s and ShutdownTimeout 0-60 s (exclusive of 0).")
            .ValidateOnStart();
        services.AddOptions<HoldAudioOptions>()
            .BindConfiguration(HoldAudioOptions.SectionName)
            .ValidateOnStart();
        services.TryAddSingleton<HoldAudioLoader>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HoldAudioOptions>, HoldAudioLoader>(sp => sp.GetRequiredService<HoldAudioLoader>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<HoldAudioLoader>().Get(sp.GetRequiredService<IOptions<HoldAudioOptions>>().Value));
        services.AddOptions<EchoEdgeOptions>()
            .BindConfiguration(EchoEdgeOptions.SectionName)
            .Validate(EchoEdgeOptions.IsValid, "PhoneBridge:Echo:Delay must be between 0 and 10 s.")
            .ValidateOnStart();

        services.TryAddSingleton<ICallEventPublisher, NullCallEventPublisher>();
        services.TryAddSingleton<CallDirectory>();
        services.TryAddSingleton<ICallOwnership, LocalCallOwnership>();
        services.AddCallRouting();
        services.TryAddSingleton<EdgePreJoiner>();
        services.TryAddSingleton<InMemoryCallRegistry>();
        services.TryAddSingleton<ICallRegistry>(sp => sp.GetRequiredService<InMemoryCallRegistry>());
        services.TryAddSingleton<BridgeCounters>();
        services.AddTelemetryInstruments();
        services.TryAddSingleton<CallBridge>();
        services.TryAddSingleton<LocalEchoEdge>();
        services.TryAddSingleton<IEdge>(sp => sp.GetRequiredService<LocalEchoEdge>());
        services.AddCallAdmission();

        return services;
    }
}
