namespace PhoneBridge.Core.Calls;

/// <summary>Body of <c>POST /calls</c>: places an outbound call whose media joins a Stream call.</summary>
/// <param name="Provider">"twilio" or "telnyx".</param>
/// <param name="To">E.164 number (<c>+15551234567</c>) or <c>sip:user@host</c>.</param>
/// <param name="From">A number of the provider account (E.164) or <c>sip:</c> address.</param>
/// <param name="StreamCallType">Stream call type of an existing call to join; <c>default</c> when only the id is given.</param>
/// <param name="StreamCallId">Stream call id of an existing call to join; omit both for a new call named like an incoming one.</param>
/// <param name="MachineDetection">Ask the provider for answering-machine detection.</param>
/// <param name="TimeoutSeconds">How long to let it ring, 5–600 seconds; the provider's default when omitted.</param>
/// <param name="CustomParameters">
/// Handed to the agent in the phone participant's custom data: Twilio stream <c>&lt;Parameter&gt;</c>s, Telnyx
/// <c>client_state</c> (base64 of their JSON). See <see cref="Calls.CustomParameters"/> for the limits.
/// </param>
/// <param name="Recording">Record the call from when it is answered (needs <c>PhoneBridge:Recording:Directory</c>).</param>
public sealed record CallDialRequest(
    string? Provider,
    string? To,
    string? From,
    string? StreamCallType = null,
    string? StreamCallId = null,
    bool? MachineDetection = null,
    int? TimeoutSeconds = null,
    Dictionary<string, string?>? CustomParameters = null,
    bool? Recording = null);
