using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Dashboard.Assets;
using PhoneBridge.Dashboard.Live;
using PhoneBridge.Dashboard.Sessions;

namespace PhoneBridge.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// The dashboard's services: <see cref="DashboardOptions"/> (validated on start), its login sessions (which also
    /// stand in for the API key on every API-key endpoint), the live call-list feed and the embedded pages. Needs the
    /// core bridge and the calls API (<c>AddPhoneBridgeCore</c>, <c>AddCalls</c>). Idempotent.
    /// </summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(DashboardSessions)))
        {
            return builder;
        }

        services.AddPhoneBridgeHosting();
        services.AddOptions<DashboardOptions>()
            .BindConfiguration(DashboardOptions.SectionName)
            .Validate(DashboardOptions.IsValid,
                "PhoneBridge:Dashboard: SessionIdleTimeout must be 0-1 day (exclusive of 0), SessionLifetime at least that and at most 7 days, "
                + "MaxSessions 1-10000, MaxEventStreams 1-1000 and UpdateInterval 100 ms-1 s.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DashboardSessions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiKeySessions, DashboardSessions>(sp => sp.GetRequiredService<DashboardSessions>()));
        services.AddSingleton<CallListFeed>();
        services.AddSingleton<DashboardAssets>();
        return builder;
    }
}
