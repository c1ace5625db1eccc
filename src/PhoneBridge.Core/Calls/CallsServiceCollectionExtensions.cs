using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PhoneBridge.Core.Calls;

public static class CallsServiceCollectionExtensions
{
    /// <summary>
    /// What <see cref="CallsEndpointRouteBuilderExtensions.MapCalls"/> needs: <see cref="CallControl"/> over every
    /// registered <see cref="IPhoneCallControl"/>, and <see cref="CallListOptions"/> (<c>Stream:ShowFullNumber</c>).
    /// Needs <see cref="PhoneBridgeCoreServiceCollectionExtensions.AddPhoneBridgeCore"/>. Idempotent.
    /// </summary>
    public static IServiceCollection AddCalls(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CallListOptions>()
            .BindConfiguration(CallListOptions.SectionName)
            .ValidateOnStart();
        services.TryAddSingleton<CallControl>();
        return services;
    }
}
