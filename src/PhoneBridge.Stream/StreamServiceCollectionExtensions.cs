using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Http;
using PhoneBridge.Core.Registry;
using PhoneBridge.Rtc;
using PhoneBridge.Stream.Agents;
using PhoneBridge.Stream.Auth;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Edge;
using PhoneBridge.Stream.Events;

namespace PhoneBridge.Stream;

public static class StreamServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Stream client (options <c>Stream</c>, tokens, coordinator, SFU HTTP client), the agent
    /// launcher (options <c>Agent</c>) and <see cref="StreamEdge"/>. <see cref="IEdge"/> becomes the Stream edge
    /// when <c>Stream:ApiKey</c>/<c>ApiSecret</c> are set, the local echo edge otherwise. Media runs on
    /// <see cref="PeerConnectionFactory"/> (<c>AddPhoneBridgeRtc</c>) unless another <see cref="IStreamMediaFactory"/> was registered first.
    /// With the Stream edge, <see cref="ICallEventPublisher"/> becomes <see cref="StreamCallEventPublisher"/> (call events
    /// as custom events in each Stream call), stopped with the host. A readiness check (<c>stream</c>, tagged
    /// <see cref="ReadyHealthCheckTag"/>) asks whether the coordinator answers, cached for 20 s.
    /// </summary>
    public static IServiceCollection AddStreamEdge(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StreamOptions>().BindConfiguration(StreamOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StreamOptions>, StreamOptionsValidator>());
        services.AddOptions<AgentOptions>()
            .BindConfiguration(AgentOptions.SectionName)
            .Validate(AgentOptions.IsValid, "Agent:ServerUrl must be an absolute http(s) URL.")
            .ValidateOnStart();

        services.TryAddSingleton<StreamTokenFactory>();
        AddCoordinatorClient(services);
        AddAgentClient(services);
        services.TryAddSingleton<ICallPreparer, AgentCallPreparer>();
        services.TryAddSingleton<IPreparedWorkHandover, AgentSessionHandover>();
        services.AddHttpClient(StreamEdge.SfuHttpClientName);
        services.AddPhoneBridgeRtc();
        services.TryAddSingleton<IStreamMediaFactory, RtcStreamMediaFactory>();
        services.TryAddSingleton<StreamEdge>();
        services.AddStreamHangupCommand();  // hangup requests other instances forward for phones held here
        services.TryAddSingleton<LocalEchoEdge>();
        services.Replace(ServiceDescriptor.Singleton<IEdge>(sp =>
            sp.GetRequiredService<IOptionsMonitor<StreamOptions>>().CurrentValue.IsConfigured
                ? sp.GetRequiredService<StreamEdge>()
                : sp.GetRequiredService<LocalEchoEdge>()));
        services.TryAddSingleton<StreamCallEventPublisher>();
        services.Replace(ServiceDescriptor.Singleton<ICallEventPublisher>(sp =>
            sp.GetRequiredService<IOptionsMonitor<StreamOptions>>().CurrentValue.IsConfigured
                ? sp.GetRequiredService<StreamCallEventPublisher>()
                : new NullCallEventPublisher()));
        services.AddHostedService(sp => sp.GetRequiredService<StreamCallEventPublisher>());
        if (services.Any(d => d.ServiceType == typeof(StreamCoordinatorHealthCheck)))
        {
            return services;
        }

        services.AddSingleton<StreamCoordinatorHealthCheck>();
        services.AddHealthChecks().AddCheck<StreamCoordinatorHealthCheck>(StreamCoordinatorHealthCheck.Name, tags: [ReadyHealthCheckTag]);
        return services;
    }

    /// <summary>The tag of the checks the host's <c>/health/ready</c> runs.</summary>
    public const string ReadyHealthCheckTag = "ready";

    /// <summary>Section of the coordinator client's timeouts and retry budget.</summary>
    public const string CoordinatorHttpSection = StreamOptions.SectionName + ":Http";

    internal static IHttpClientBuilder AddCoordinatorClient(IServiceCollection services) =>
        services.AddHttpClient<StreamCoordinatorClient>().AddPhoneBridgeResilience(CoordinatorHttpSection);

    internal static IHttpClientBuilder AddAgentClient(IServiceCollection services) =>
        services.AddHttpClient<VisionAgentsLauncher>().AddPhoneBridgeResilience(AgentOptions.HttpSection);

    /// <summary>
    /// Adds the Stream edge (and with it the WebRTC stack) only when <c>Stream:ApiKey</c> and
    /// <c>Stream:ApiSecret</c> are configured, so the embedded local echo edge runs on a machine with nothing installed.
    /// </summary>
    public static IHostApplicationBuilder AddStreamEdgeWhenConfigured(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration.GetSection(StreamOptions.SectionName).Get<StreamOptions>() is { IsConfigured: true })
        {
            builder.Services.AddStreamEdge();
        }

        return builder;
    }
}
