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
            Log.Native(logger, requested, OpusLibrary.Version);
        }
        else
        {
            Log.Managed(logger, requested, requested == OpusImplementation.Auto ? "libopus did not load" : "configured");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(4700, LogLevel.Information, "Opus codec: native {Version} (PhoneBridge:Rtc:OpusImplementation = {Requested})")]
        public static partial void Native(ILogger logger, OpusImplementation requested, string version);

        [LoggerMessage(4701, LogLevel.Information, "Opus codec: Concentus, managed (PhoneBridge:Rtc:OpusImplementation = {Requested}; {Reason})")]
        public static partial void Managed(ILogger logger, OpusImplementation requested, string reason);
    }
}
