using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace PhoneBridge.Core.Admission;

public static class AdmissionServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="CallAdmission"/> (options <c>PhoneBridge:Admission</c>, validated on start), the drain flag
    /// <see cref="CallDrain"/> and the CPU sampler (an <see cref="IProcessCpuSampler"/> registered earlier wins).
    /// Called by <c>AddPhoneBridgeCore</c>. Idempotent.
    /// </summary>
    public static IServiceCollection AddCallAdmission(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(CallAdmission)))
        {
            return services;
        }

        services.AddOptions<AdmissionOptions>()
            .BindConfiguration(AdmissionOptions.SectionName)
            .Validate(AdmissionOptions.IsValid, "PhoneBridge:Admission: MaxCalls must be positive, MaxCpuPercent above 0 and at most 100, CpuWindow 1 s to 1 minute.")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CallDrain>();
        services.TryAddSingleton<ProcessCpuSampler>();
        services.TryAddSingleton<IProcessCpuSampler>(sp => sp.GetRequiredService<ProcessCpuSampler>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ProcessCpuSampler>());
        services.AddSingleton<CallAdmission>();
        return services;
    }
}
