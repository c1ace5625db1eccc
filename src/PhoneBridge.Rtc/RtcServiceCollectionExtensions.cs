using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PhoneBridge.Rtc.Opus;

namespace PhoneBridge.Rtc;

public static class RtcServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RtcOptions"/> (section <c>PhoneBridge:Rtc</c>, validated on start, including that
    /// libopus can be loaded when <c>OpusImplementation</c> is <c>Native</c>), <see cref="PeerConnectionFactory"/> and a
    /// start-up line naming the Opus codec in use.
    /// </summary>
    public static IServiceCollection AddPhoneBridgeRtc(this IServiceCollection services)
    {
        services.AddOptions<RtcOptions>()
            .BindConfiguration(RtcOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RtcOptions>, OpusAvailableValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PeerConnectionFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OpusImplementationReporter>());
        return services;
    }

    /// <summary>Fails startup with the package name when libopus is required but missing, instead of on the first call.</summary>
    private sealed class OpusAvailableValidator : IValidateOptions<RtcOptions>
    {
        public ValidateOptionsResult Validate(string? name, RtcOptions options)
        {
            if (options.OpusImplementation != OpusImplementation.Native)
            {
                return ValidateOptionsResult.Success;
            }

            try
            {
                OpusLibrary.EnsureLoaded();
                return ValidateOptionsResult.Success;
            }
            catch (DllNotFoundException e)
            {
                return ValidateOptionsResult.Fail(e.Message + " Or set PhoneBridge:Rtc:OpusImplementation to Auto or Managed to use Concentus.");
            }
        }
    }
}
