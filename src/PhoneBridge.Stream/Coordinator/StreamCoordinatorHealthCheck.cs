using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Stream.Coordinator;

/// <summary>
/// Readiness: whether Stream's coordinator answers (<see cref="StreamCoordinatorClient.GetAppStatusAsync"/>, 2xx) at
/// the base URL and with the credentials the edge uses. The verdict is kept for <see cref="CacheFor"/>, so probes
/// every few seconds from several load balancers cost one request, and concurrent probes share the one in flight.
/// Without Stream credentials it is healthy (the local echo edge needs nothing). A change of verdict is logged once.
/// </summary>
internal sealed class StreamCoordinatorHealthCheck(
    StreamCoordinatorClient client, IOptionsMonitor<StreamOptions> options, TimeProvider time, ILogger<StreamCoordinatorHealthCheck> logger) : IHealthCheck
{
    public const string Name = "stream";

    internal static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _current;
    private long _checkedAt;
    private bool? _wasHealthy;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.CurrentValue.IsConfigured)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Stream is not configured."));
        }

        lock (_gate)
        {
            if (_current is null || (_current.IsCompleted && time.GetElapsedTime(_checkedAt) >= CacheFor))
            {
                _checkedAt = time.GetTimestamp();
                _current = CheckAsync();
            }

            return _current.WaitAsync(cancellationToken);
        }
    }

    private async Task<HealthCheckResult> CheckAsync()
    {
        HealthCheckResult result;
        using var timeout = new CancellationTokenSource(Timeout, time);
        try
        {
            var status = await client.GetAppStatusAsync(timeout.Token).ConfigureAwait(false);
            result = (int)status is >= 200 and < 300
                ? HealthCheckResult.Healthy("Stream coordinator reachable.")
                : HealthCheckResult.Unhealthy($"Stream coordinator answered HTTP {(int)status}.");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            result = HealthCheckResult.Unhealthy("Stream coordinator unreachable: " + (e is HttpRequestException h ? h.HttpRequestError.ToString() : "timed out"));
        }

        var healthy = result.Status == HealthStatus.Healthy;
        if (_wasHealthy != healthy)
        {
            _wasHealthy = healthy;
            if (healthy)
            {
                StreamCoordinatorHealthCheckLog.Reachable(logger);
            }
            else
            {
                StreamCoordinatorHealthCheckLog.Unreachable(logger, result.Description ?? "unknown");
            }
        }

        return result;
    }
}
