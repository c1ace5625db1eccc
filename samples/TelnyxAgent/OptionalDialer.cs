using Microsoft.Extensions.Options;
using PhoneBridge.Telnyx.Rest;
using PhoneBridge.Telnyx.Calls;

namespace PhoneBridge.Samples.TelnyxAgent;

/// <summary>Dials <c>Dial:To</c> once the server listens (when asked to), and hangs that call up on shutdown.</summary>
public sealed partial class OptionalDialer(
    IServiceProvider services,
    IOptions<DialOptions> dial,
    IHostApplicationLifetime lifetime,
    ILogger<OptionalDialer> logger) : BackgroundService
{
    private string? _callControlId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!dial.Value.IsRequested)
        {
            return;
        }

        // Telnyx may open the media socket as soon as the callee answers: dial only when Kestrel accepts connections.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task.ConfigureAwait(false);
        }

        try
        {
            var call = await services.GetRequiredService<TelnyxOutboundCalls>()
                .PlaceCallAsync(dial.Value.To!, dial.Value.From!, stoppingToken).ConfigureAwait(false);
            _callControlId = call.CallControlId;
            Log.Dialed(logger, call.CallId);
        }
        catch (Exception e) when (e is TelnyxApiException or InvalidOperationException)
        {
            Log.DialFailed(logger, e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_callControlId is { } id)
        {
            try
            {
                // Telnyx answers "already ended" when the callee hung up first; that is fine too.
                await services.GetRequiredService<TelnyxOutboundCalls>().HangUpAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TelnyxApiException or HttpRequestException or OperationCanceledException)
            {
                Log.HangUpFailed(logger, e.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Dialed; the call is bridged as {CallId} when answered")]
        public static partial void Dialed(ILogger logger, string callId);

        [LoggerMessage(2, LogLevel.Error, "Could not dial: {Reason}")]
        public static partial void DialFailed(ILogger logger, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Could not hang up the dialed call on shutdown: {Reason}")]
        public static partial void HangUpFailed(ILogger logger, string reason);
    }
}
