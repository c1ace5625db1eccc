using Microsoft.Extensions.Hosting;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// Watches calls leave the directory and, for one whose warm transfer is still ringing, has
/// <see cref="CallControl.CancelUnansweredLegAsync"/> hang the leg up: otherwise the destination would answer into an
/// edge call whose caller has gone. The provider's request runs off the thread that ended the call, and stops with
/// the host.
/// </summary>
internal sealed class WarmLegCancellation(CallDirectory directory, CallControl control) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        directory.Removed += OnRemoved;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        directory.Removed -= OnRemoved;
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    private void OnRemoved(LiveCall call)
    {
        // Most calls have no transfer: nothing is started for them.
        if (call.Transfer is { Mode: CallTransferMode.Warm, IsOver: false })
        {
            _ = control.CancelUnansweredLegAsync(call, _stopping.Token);
        }
    }
}
