using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Recording;

public static class RecordingServiceCollectionExtensions
{
    /// <summary>
    /// Call recording: <see cref="RecordingOptions"/> (validated at start, the directory created), the
    /// <see cref="CallRecorder"/> and its writer task, and a <see cref="CallDirectory"/> whose events are also noted
    /// in recordings' sidecars, whatever <see cref="ICallEventPublisher"/> is registered, before or after. Idempotent.
    /// </summary>
    public static IServiceCollection AddRecording(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(CallRecorder)))
        {
            return services;
        }

        services.AddOptions<RecordingOptions>()
            .BindConfiguration(RecordingOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecordingOptions>, RecordingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CallRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<CallRecorder>());
        services.Replace(ServiceDescriptor.Singleton(sp => new CallDirectory(
            new RecordingCallEvents(sp.GetRequiredService<ICallEventPublisher>(), sp.GetRequiredService<CallRecorder>()),
            sp.GetRequiredService<TimeProvider>())));
        return services;
    }
}
