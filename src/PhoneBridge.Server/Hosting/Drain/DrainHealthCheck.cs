using Microsoft.Extensions.Diagnostics.HealthChecks;
using PhoneBridge.Core.Admission;

namespace PhoneBridge.Server.Hosting.Drain;

/// <summary>Tagged <c>ready</c>: unhealthy from the moment the drain starts, so a load balancer stops sending new calls here.</summary>
internal sealed class DrainHealthCheck(CallDrain drain) : IHealthCheck
{
    public const string Name = "drain";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy("Draining: no new calls; the calls in progress carry on.")
            : HealthCheckResult.Healthy());
}
