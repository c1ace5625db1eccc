using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Calls;

/// <summary>
/// Call control of Twilio calls through the Calls resource
/// (https://www.twilio.com/docs/voice/api/call-resource): dial with <c>Calls.json</c>, hang up with
/// <c>Status=completed</c>, cold transfer by updating the live call with <c>&lt;Dial&gt;</c> TwiML. Media Streams
/// cannot send DTMF, so <see cref="SendsDtmf"/> is false and the bridge plays in-band tones instead.
/// </summary>
/// <remarks>
/// A singleton over the transient typed <see cref="TwilioRestClient"/>: each operation resolves its own client, so
/// the HTTP handler rotation of the client factory keeps working.
/// </remarks>
public sealed class TwilioCallControl(IServiceProvider services, IOptionsMonitor<TwilioOptions> options) : IPhoneCallControl
{
    public string Provider => TwilioProvider.Name;

    /// <summary>The account SID with the auth token or an API key.</summary>
    public bool IsConfigured => options.CurrentValue.HasRestCredentials;

    public bool SendsDtmf => false;

    public async Task<PlacedCall> DialAsync(PhoneDialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var calls = services.GetRequiredService<TwilioOutboundCalls>();
        var call = await Reachable(
            () => calls.PlaceCallAsync(request, TwilioOutboundCalls.StatusCallbackUrl(request.PublicBaseUrl).AbsoluteUri, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new PlacedCall(call.CallId, call.CallSid);
    }

    /// <summary><c>Status=completed</c> on the call; a call Twilio no longer knows (20404) has ended already, which is success.</summary>
    public Task HangUpAsync(LiveCall call, CancellationToken cancellationToken)
    {
        var callSid = CallSidOf(call);
        var twilio = services.GetRequiredService<TwilioRestClient>();
        return Reachable(() => twilio.HangUpAsync(callSid, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Updates the live call with <c>&lt;Dial callerId="from"&gt;to&lt;/Dial&gt;</c> (a <c>sip:</c> address as
    /// <c>&lt;Sip&gt;</c>): the call leaves its media stream and Twilio connects the caller to <paramref name="to"/>.
    /// Never retried, since a repeated update would dial the destination again.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not a usable destination.</exception>
    public Task TransferAsync(LiveCall call, string to, string? from, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        var callSid = CallSidOf(call);
        if (to.StartsWith("sip:", StringComparison.OrdinalIgnoreCase)
            && !(Uri.TryCreate(to, UriKind.Absolute, out var sip) && sip.AbsolutePath.Contains('@', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Not a valid sip:user@host address.", nameof(to));
        }

        var twiml = Twiml.Dial(to, string.IsNullOrWhiteSpace(from) ? OurNumber(call) : from);
        var twilio = services.GetRequiredService<TwilioRestClient>();
        return Reachable(() => twilio.RedirectAsync(callSid, twiml, cancellationToken), cancellationToken);
    }

    /// <summary>Twilio Media Streams cannot send DTMF; the bridge plays in-band tones (<see cref="ICallMediaControl.PlayDtmf"/>).</summary>
    public Task SendDtmfAsync(LiveCall call, string digits, int toneMs, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Twilio Media Streams cannot send DTMF; play in-band tones through the call's media instead.");

    /// <summary>The number of the call on our side, shown to a transfer's destination: what was dialled (inbound) or what we dialled from.</summary>
    internal static string? OurNumber(LiveCall call) =>
        call.Direction == CallDirection.Inbound ? call.Info.To : call.Info.From;

    private static string CallSidOf(LiveCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var callSid = call.ProviderCallId;
        if (string.IsNullOrEmpty(callSid))
        {
            throw new InvalidOperationException(
                $"Call {call.CallId} has no Twilio CallSid yet (Twilio has not accepted it); try again once it rings.");
        }

        if (!TwilioRestClient.IsCallSid(callSid))
        {
            throw new InvalidOperationException($"Call {call.CallId} has no valid Twilio CallSid.");
        }

        return callSid;
    }

    /// <summary>Transport failures (no answer, timeout) become <see cref="TwilioApiException"/> without a status, as the contract asks.</summary>
    private static async Task<T> Reachable<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new TwilioApiException("Twilio API unreachable: " + e.Message, e);
        }
    }
}
