using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Twilio.Calls;
using PhoneBridge.Twilio.Rest;

namespace PhoneBridge.Samples.TwilioOutboundAgent;

/// <summary>Places the call once the server listens, and hangs it up on shutdown if it is still live.</summary>
public sealed class Dialer(
    IServiceProvider services,
    PlacedCall call,
    IOptions<DialOptions> dial,
    IOptionsMonitor<PhoneBridgeOptions> hosting,
    IHostApplicationLifetime lifetime,
    ILogger<Dialer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Twilio may open the media socket within a second of answering: dial only when Kestrel accepts connections.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task.ConfigureAwait(false);
        }

        var calls = services.GetRequiredService<TwilioOutboundCalls>();
        var publicUrl = hosting.CurrentValue.PublicUrl?.TrimEnd('/');
        if (!calls.IsConfigured || string.IsNullOrEmpty(publicUrl))
        {
            Log.NotConfigured(logger);
            lifetime.StopApplication();
            return;
        }

        try
        {
            var placed = await calls.PlaceCallAsync(
                dial.Value.To!, dial.Value.From!, publicUrl + StatusCallback.Path, stoppingToken).ConfigureAwait(false);
            call.CallSid = placed.CallSid;
            Log.Placed(logger, placed.CallSid, placed.CallId);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            Log.Unreachable(logger, e.Message);
            lifetime.StopApplication();
        }
        catch (TwilioApiException e)
        {
            Log.Refused(logger, e.Code, e.TwilioMessage ?? e.Message);
            lifetime.StopApplication();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (call.CallSid is { } sid && !call.Ended.IsCompleted)
        {
            try
            {
                // Stopped before Twilio said the call was over: do not leave the callee talking to nobody.
                await services.GetRequiredService<TwilioOutboundCalls>().HangUpAsync(sid, cancellationToken).ConfigureAwait(false);
                Log.HungUp(logger, sid);
            }
            catch (Exception e) when (e is TwilioApiException or HttpRequestException or OperationCanceledException)
            {
                Log.HangUpFailed(logger, sid, e.Message);
            }
        }
    }
}
