using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// What the management API does to calls, provider-neutral: picks the call's <see cref="IPhoneCallControl"/>, runs the
/// action through it or through the call's media, and tells the edge call (<c>phone.transfer</c>, <c>phone.hold</c>).
/// A <see cref="PhoneProviderException"/> leaves the call as it was and reaches the caller (the endpoint answers 502);
/// only a transfer says so in the edge call, as <c>failed</c>.
/// </summary>
public sealed class CallControl(
    IEnumerable<IPhoneCallControl> providers,
    CallDirectory directory,
    ICallRegistry registry,
    ILogger<CallControl> logger)
{
    /// <summary>The <c>reason</c> of the <c>phone.call</c> ended event of a call hung up through the API.</summary>
    public const string HangUpReason = "hung up through the API";

    private readonly IPhoneCallControl[] _providers = providers.ToArray();

    /// <summary>Names of the registered providers, for error messages.</summary>
    public IEnumerable<string> ProviderNames => _providers.Select(p => p.Provider);

    public IPhoneCallControl? FindProvider(string? name) =>
        name is null ? null : Array.Find(_providers, p => string.Equals(p.Provider, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Places an outbound call (the provider registers it, so it is listed from now on).</summary>
    public async Task<PlacedCall> DialAsync(IPhoneCallControl provider, PhoneDialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(request);
        var placed = await provider.DialAsync(request, cancellationToken).ConfigureAwait(false);
        var edgeCall = directory.TryGet(placed.CallId, out var call) && call.EdgeCall is { } address
            ? address.Type + "/" + address.Id
            : "(named by the edge)";
        CallsLog.Dialled(logger, placed.CallId, provider.Provider, edgeCall);
        return placed;
    }

    /// <summary>
    /// Ends the call at the provider, then releases it so the bridge leaves the edge call at once instead of waiting
    /// for the provider to close the media stream. Without call control for its provider, releasing alone ends it:
    /// the bridge hangs the phone up the way it can.
    /// </summary>
    public async Task HangUpAsync(LiveCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var provider = FindProvider(call.Provider);
        if (provider is { IsConfigured: true })
        {
            await provider.HangUpAsync(call, cancellationToken).ConfigureAwait(false);
        }

        // Ended here first so the phone.call event gives this reason rather than the registry's bare "released".
        directory.End(call.CallId, HangUpReason);
        registry.Release(call.CallId);
        CallsLog.HungUp(logger, call.CallId, call.Provider);
    }

    /// <summary>
    /// The caller of a warm transfer has gone while the leg it dialled has not answered: nobody would be there when
    /// the destination picks up, so the leg is hung up at its provider and the transfer fails (told in the edge call
    /// through the leg, as <c>failed</c> with <see cref="CallerGoneReason"/>). Once the leg answered, it stays.
    /// Safe to call more than once and from the dial and the caller's end racing: the transfer fails once.
    /// </summary>
    public async Task CancelUnansweredLegAsync(LiveCall caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Transfer is not { Mode: CallTransferMode.Warm } transfer
            || transfer.LegCallId is not { } legCallId
            || transfer.State >= CallTransferState.Answered
            || !directory.TryGet(legCallId, out var leg)
            || leg.State == CallState.Answered
            || !transfer.Advance(CallTransferState.Failed))
        {
            return;
        }

        CallsLog.WarmLegCancelled(logger, caller.CallId, legCallId);
        var provider = FindProvider(leg.Provider);
        try
        {
            if (provider is { IsConfigured: true })
            {
                await provider.HangUpAsync(leg, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is PhoneProviderException or HttpRequestException or OperationCanceledException)
        {
            CallsLog.WarmLegCancelFailed(logger, legCallId, leg.Provider, e);
        }

        // The leg's end tells the edge call that the transfer failed, and why (its caller is gone from the directory).
        directory.End(legCallId, CallerGoneReason);
        registry.Release(legCallId);
    }

    /// <summary>Why a warm transfer failed when its caller hung up before the leg answered.</summary>
    public const string CallerGoneReason = "the caller hung up before the transfer was answered";

    /// <summary>Why a call cannot be transferred now; null when it can.</summary>
    public static string? TransferConflict(LiveCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Info.LinkedCallId is not null)
        {
            return "The call is itself a warm-transfer leg.";
        }

        return call.State switch
        {
            CallState.Ringing => "The call has not been answered yet.",
            CallState.Ended => "The call has ended.",
            _ => call.Transfer switch
            {
                { IsOver: false } => "A transfer of this call is already in progress.",
                { Mode: CallTransferMode.Cold, State: CallTransferState.Completed } => "The call has already been transferred.",
                _ => null,
            },
        };
    }

    /// <summary>
    /// Cold: the provider hands the caller to <paramref name="to"/> (completed once it accepted). Warm:
    /// <paramref name="to"/> is dialled as a new leg into the call's edge call (ringing once the provider accepted;
    /// the leg's own media and end move it on, see <see cref="CallDirectory"/>). Returns the started transfer, or
    /// null when another transfer got there first. <paramref name="from"/> null: the provider's default (cold only; a
    /// warm leg needs a number to call from). On a provider failure the transfer is failed and the exception rethrown.
    /// </summary>
    public async Task<CallTransfer?> TransferAsync(
        LiveCall call,
        IPhoneCallControl provider,
        CallTransferMode mode,
        string to,
        string? from,
        Uri publicBaseUrl,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(provider);
        if (mode == CallTransferMode.Warm)
        {
            ArgumentException.ThrowIfNullOrEmpty(from);
        }

        var transfer = new CallTransfer(mode);
        if (!call.TryBeginTransfer(transfer))
        {
            return null;
        }

        Publish(call, transfer, CallTransferState.Started, reason: null);
        try
        {
            if (mode == CallTransferMode.Cold)
            {
                await provider.TransferAsync(call, to, from, cancellationToken).ConfigureAwait(false);
                Advance(call, transfer, CallTransferState.Completed, reason: null);
            }
            else
            {
                var leg = await provider.DialAsync(
                    new PhoneDialRequest(to, from!, publicBaseUrl, call.EdgeCall, LinkedCallId: call.CallId),
                    cancellationToken).ConfigureAwait(false);
                transfer.TryBindLeg(leg.CallId);
                if (call.State == CallState.Ended)
                {
                    // The caller hung up while the provider was placing the leg: the leg is not wanted any more.
                    await CancelUnansweredLegAsync(call, cancellationToken).ConfigureAwait(false);
                }
                else if (directory.TryGet(leg.CallId, out _))
                {
                    Advance(call, transfer, CallTransferState.Ringing, reason: null);
                }
                else
                {
                    // The leg came and went while the provider was still answering the dial.
                    var state = transfer.State == CallTransferState.Answered ? CallTransferState.Completed : CallTransferState.Failed;
                    Advance(call, transfer, state, state == CallTransferState.Failed ? "the leg ended before it rang" : null);
                }
            }
        }
        catch (PhoneProviderException e)
        {
            Advance(call, transfer, CallTransferState.Failed, e.ProviderMessage ?? "the provider refused the transfer");
            throw;
        }
        catch (CallRegistryUnavailableException)
        {
            Advance(call, transfer, CallTransferState.Failed, "the call registry could not be reached");
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Advance(call, transfer, CallTransferState.Failed, cancellationToken.IsCancellationRequested ? "the request was cancelled" : "the provider could not be reached");
            throw;
        }

        CallsLog.Transferred(logger, call.CallId, transfer.ModeName, provider.Provider, transfer.LegCallId);
        return transfer;
    }

    /// <summary>
    /// Plays <paramref name="digits"/> to the phone: through the provider when it can, else as in-band tones into
    /// what the caller hears.
    /// </summary>
    public async Task<DtmfOutcome> SendDtmfAsync(LiveCall call, string digits, int toneMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(digits);
        if (FindProvider(call.Provider) is { SendsDtmf: true, IsConfigured: true } provider)
        {
            await provider.SendDtmfAsync(call, digits, toneMs, cancellationToken).ConfigureAwait(false);
            CallsLog.DtmfSent(logger, call.CallId, digits.Length, toneMs, "through " + provider.Provider);
            call.Timeline.Add(directory.Time.GetUtcNow(), "dtmf", $"sent {digits} through {provider.Provider}");
            return DtmfOutcome.Sent;
        }

        if (call.Media is not { } media)
        {
            return DtmfOutcome.NoMedia;
        }

        if (!media.PlayDtmf(digits, toneMs))
        {
            return DtmfOutcome.QueueFull;
        }

        CallsLog.DtmfSent(logger, call.CallId, digits.Length, toneMs, "in-band");
        call.Timeline.Add(directory.Time.GetUtcNow(), "dtmf", $"sent {digits} in-band");
        return DtmfOutcome.Sent;
    }

    /// <summary>Holds or resumes the call; <c>phone.hold</c> is published when it changed.</summary>
    public bool SetHeld(LiveCall call, bool held)
    {
        ArgumentNullException.ThrowIfNull(call);
        var changed = call.SetHeld(held);
        if (changed)
        {
            directory.Publish(call, new PhoneHoldEvent(call.CallId, held));
        }

        CallsLog.HoldChanged(logger, call.CallId, held, changed);
        return changed;
    }

    /// <summary>The one log line of a request refused with a 4xx; a call id from the URL is only logged when well formed.</summary>
    internal void LogRefused(string action, string? callId, int status, string reason) =>
        CallsLog.Refused(logger, action, CallIds.IsValidCallId(callId) ? callId! : "(invalid)", status, reason);

    /// <summary>The one log line of a request the provider refused or did not answer (502).</summary>
    internal void LogProviderFailed(string action, string callId, string provider, int? providerStatus, string? providerCode) =>
        CallsLog.ProviderRefused(logger, action, callId, provider, providerStatus, providerCode);

    private void Advance(LiveCall call, CallTransfer transfer, CallTransferState state, string? reason)
    {
        if (transfer.Advance(state))
        {
            Publish(call, transfer, state, reason);
        }
    }

    private void Publish(LiveCall call, CallTransfer transfer, CallTransferState state, string? reason) =>
        directory.Publish(call, new PhoneTransferEvent(call.CallId, transfer.ModeName, CallTransfer.StateName(state), reason, transfer.LegCallId));
}
