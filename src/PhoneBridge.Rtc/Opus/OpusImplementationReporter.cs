using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Rtc.Opus;

/// <summary>Says once at start which Opus codec the WebRTC stack will use, and why when it is not the one asked for.</summary>
internal sealed partial class OpusImplementationReporter(IOptions<RtcOptions> options, ILogger<OpusImplementationReporter> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var requested = options.Value.OpusImplementation;
        var used = OpusImplementations.Resolve(requested);
        if (used == OpusImplementation.Native)
        {
            OpusImplementationReporterLog.Native(logger, requested, OpusLibrary.Version);
        }
        else
        {
            OpusImplementationReporterLog.Managed(logger, requested, requested == OpusImplementation.Auto ? "libopus did not load" : "configured");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
