using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using PhoneBridge.Core.Recording;

namespace PhoneBridge.Core.Calls;

public static class CallsServiceCollectionExtensions
{
    /// <summary>
    /// What <see cref="CallsEndpointRouteBuilderExtensions.MapCalls"/> needs: <see cref="CallControl"/> over every
    /// registered <see cref="IPhoneCallControl"/>, <see cref="CallListOptions"/> (<c>Stream:ShowFullNumber</c>), and
    /// call recording, which its <c>/recording</c> endpoints drive (<see cref="RecordingServiceCollectionExtensions.AddRecording"/>).
    /// Needs <see cref="PhoneBridgeCoreServiceCollectionExtensions.AddPhoneBridgeCore"/>. Idempotent.
    /// </summary>
    public static IServiceCollection AddCalls(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CallListOptions>()
            .BindConfiguration(CallListOptions.SectionName)
            .ValidateOnStart();
        services.TryAddSingleton<CallControl>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WarmLegCancellation>());   // a ringing warm leg whose caller hung up
        services.AddRecording();
        services.AddCallsCommands();    // the /calls/{callId} actions as commands another instance may forward here
        return services;
    }
}
