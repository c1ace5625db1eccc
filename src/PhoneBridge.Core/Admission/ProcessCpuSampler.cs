using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Admission;

/// <summary>
/// Samples <see cref="Process.TotalProcessorTime"/> once a second on a <see cref="TimeProvider"/> timer and keeps the
/// figure over <see cref="AdmissionOptions.CpuWindow"/>: CPU time used in the window over wall time times
/// <see cref="Environment.ProcessorCount"/>. Runs only when <see cref="AdmissionOptions.MaxCpuPercent"/> is set, so an
/// instance without the limit pays nothing; reading <see cref="Percent"/> is a field read on the webhook path.
/// </summary>
internal sealed class ProcessCpuSampler(TimeProvider time, IOptions<AdmissionOptions> options) : IProcessCpuSampler, IHostedService, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Queue<(long Timestamp, TimeSpan Cpu)> _samples = new();
    private Process? _process;
    private ITimer? _timer;
    private double _percent = double.NaN;

    public double? Percent => Volatile.Read(ref _percent) is var percent && double.IsNaN(percent) ? null : percent;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MaxCpuPercent is not null)
        {
            _process = Process.GetCurrentProcess();
            Sample();
            _timer = time.CreateTimer(_ => Sample(), null, Interval, Interval);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    private void Sample()
    {
        lock (_gate)
        {
            if (_process is null)
            {
                return;
            }

            _process.Refresh();
            var now = time.GetTimestamp();
            var cpu = _process.TotalProcessorTime;
            _samples.Enqueue((now, cpu));
            // The oldest sample kept is the one at (or just inside) the window's start.
            while (_samples.Count > 2 && time.GetElapsedTime(_samples.ElementAt(1).Timestamp, now) >= options.Value.CpuWindow)
            {
                _samples.Dequeue();
            }

            var (oldestAt, oldestCpu) = _samples.Peek();
            var wall = time.GetElapsedTime(oldestAt, now);
            if (wall > TimeSpan.Zero)
            {
                Volatile.Write(ref _percent, Compute(cpu - oldestCpu, wall, Environment.ProcessorCount));
            }
        }
    }

    /// <summary>CPU time over wall time on every core, in percent of the machine.</summary>
    internal static double Compute(TimeSpan cpu, TimeSpan wall, int processorCount) =>
        Math.Clamp(cpu.TotalMilliseconds / (wall.TotalMilliseconds * processorCount) * 100, 0, 100);

    public void Dispose()
    {
        _timer?.Dispose();
        _process?.Dispose();
    }
}
