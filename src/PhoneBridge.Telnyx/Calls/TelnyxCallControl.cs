using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Telnyx.Rest;

namespace PhoneBridge.Telnyx.Calls;

/// <summary>
/// Call control of Telnyx calls through Call Control commands: dial (<c>POST /v2/calls</c>), hangup, transfer and
/// send_dtmf. Every command carries a fresh <c>command_id</c> that stays the same across the client's retries, so a
/// repeated request is ignored by Telnyx instead of acting twice.
/// </summary>
/// <remarks>
/// A singleton over the transient typed <see cref="TelnyxCallControlClient"/>: each operation resolves its own client,
/// so the HTTP handler rotation of the client factory keeps working.
/// </remarks>
public sealed class TelnyxCallControl(
    IServiceProvider services, IOptionsMonitor<TelnyxOptions> options, ILogger<TelnyxCallControl> logger) : IPhoneCallControl
{
    public string Provider => TelnyxProvider.Name;

    /// <summary>The API key and the Call Control App id (<c>connection_id</c>) dials need.</summary>
    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(options.CurrentValue.ApiKey) && !string.IsNullOrWhiteSpace(options.CurrentValue.ConnectionId);

    public bool SendsDtmf => true;

    public async Task<PlacedCall> DialAsync(PhoneDialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = await services.GetRequiredService<TelnyxOutboundCalls>().PlaceCallAsync(request, cancellationToken).ConfigureAwait(false);
        return new PlacedCall(call.CallId, call.CallControlId);
    }

    /// <summary><c>actions/hangup</c>; a call Telnyx reports as already ended (90018) counts as hung up.</summary>
    public Task HangUpAsync(LiveCall call, CancellationToken cancellationToken) =>
        services.GetRequiredService<TelnyxOutboundCalls>().HangUpAsync(CallControlIdOf(call), cancellationToken);

    /// <summary>
    /// <c>actions/transfer</c> with <c>to</c> and <c>from</c> (default: the call's own number on our side, what was
    /// dialled for an incoming call and what we dialled from for one we placed).
    /// </summary>
    public async Task TransferAsync(LiveCall call, string to, string? from, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        var callControlId = CallControlIdOf(call);
        var callerId = string.IsNullOrWhiteSpace(from) ? OurNumber(call) : from;
        var client = services.GetRequiredService<TelnyxCallControlClient>();
        await client.TransferAsync(callControlId, to, callerId, NewCommandId(), cancellationToken).ConfigureAwait(false);
        TelnyxCallControlLog.Transferred(logger, call.CallId, callControlId);
    }

    /// <summary>
    /// <c>actions/send_dtmf</c>; <paramref name="toneMs"/> becomes <c>duration_millis</c>, clamped into the 100–500 ms
    /// Telnyx documents (https://developers.telnyx.com/api/call-control/send-dtmf).
    /// </summary>
    public async Task SendDtmfAsync(LiveCall call, string digits, int toneMs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(digits);
        var callControlId = CallControlIdOf(call);
        var client = services.GetRequiredService<TelnyxCallControlClient>();
        await client.SendDtmfAsync(callControlId, digits, toneMs, NewCommandId(), cancellationToken).ConfigureAwait(false);
        // The digits themselves can be a PIN: only their count is logged.
        TelnyxCallControlLog.DtmfSent(logger, call.CallId, callControlId, digits.Length);
    }

    /// <summary>The number of the call on our side: what was dialled (inbound) or what we dialled from (outbound).</summary>
    internal static string? OurNumber(LiveCall call) =>
        call.Direction == CallDirection.Inbound ? call.Info.To : call.Info.From;

    private static string NewCommandId() => Guid.NewGuid().ToString("N");

    private static string CallControlIdOf(LiveCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var callControlId = call.ProviderCallId;
        if (string.IsNullOrEmpty(callControlId))
        {
            throw new InvalidOperationException(
                $"Call {call.CallId} has no Telnyx call_control_id yet (Telnyx has not accepted it); try again once it rings.");
        }

        return callControlId;
    }
}
