namespace PhoneBridge.Core.Calls;

/// <summary>
/// One provider's call control through its REST API (Twilio's Calls resource, Telnyx Call Control). Every method
/// either completes what it was asked or throws <see cref="PhoneProviderException"/> with nothing changed.
/// </summary>
public interface IPhoneCallControl
{
    /// <summary>"twilio" or "telnyx", as in <see cref="LiveCall.Provider"/>.</summary>
    string Provider { get; }

    /// <summary>False when the provider's REST credentials are not configured; calls through it are refused (400).</summary>
    bool IsConfigured { get; }

    /// <summary>
    /// True when the provider plays DTMF to the phone itself (<see cref="SendDtmfAsync"/>); false when the bridge must
    /// generate in-band tones into the caller's audio (Twilio Media Streams cannot send DTMF).
    /// </summary>
    bool SendsDtmf { get; }

    /// <summary>Registers and places an outbound call whose media is bridged into <see cref="PhoneDialRequest.EdgeCall"/>.</summary>
    Task<PlacedCall> DialAsync(PhoneDialRequest request, CancellationToken cancellationToken);

    /// <summary>Ends the call at the provider. Already ended counts as done.</summary>
    Task HangUpAsync(LiveCall call, CancellationToken cancellationToken);

    /// <summary>
    /// Cold transfer: the caller leaves the bridge for <paramref name="to"/> (E.164 or <c>sip:</c>), shown
    /// <paramref name="from"/> (null: the call's own number on our side).
    /// </summary>
    Task TransferAsync(LiveCall call, string to, string? from, CancellationToken cancellationToken);

    /// <summary>Plays <paramref name="digits"/> to the phone through the provider; only when <see cref="SendsDtmf"/>.</summary>
    Task SendDtmfAsync(LiveCall call, string digits, int toneMs, CancellationToken cancellationToken);
}
