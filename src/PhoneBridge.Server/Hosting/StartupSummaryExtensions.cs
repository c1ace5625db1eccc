namespace PhoneBridge.Server.Hosting;

public static class StartupSummaryExtensions
{
    /// <summary>Logs, once the host has started, the edge, providers, webhook URLs and (Development) a call to try.</summary>
    public static IServiceCollection AddStartupSummary(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddHostedService<StartupSummaryLogger>();
    }
}
