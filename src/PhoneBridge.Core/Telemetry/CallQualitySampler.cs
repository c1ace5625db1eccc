using Microsoft.Extensions.Hosting;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// Feeds the jitter and latency histograms from the live calls once per <see cref="Interval"/>: off the media path,
/// a handful of reads per call. Registered only while telemetry is on.
/// </summary>
internal sealed class CallQualitySampler(CallQualityMetrics metrics, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                metrics.Sample();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
