using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Registry;

/// <param name="Provider">"twilio" or "telnyx".</param>
/// <param name="ProviderCallId">Twilio CallSid or Telnyx call_control_id, when known.</param>
/// <param name="From">Caller number; sensitive, never logged.</param>
/// <param name="To">Called number; sensitive, never logged.</param>
/// <param name="Prepare">
/// Optional warm-up started at registration (e.g. launch an agent). Its result is handed to the bridge;
/// if the entry expires unclaimed, an <see cref="IAsyncDisposable"/>/<see cref="IDisposable"/> result is disposed.
/// </param>
/// <param name="CallId">Our call id; a new random one when null.</param>
/// <param name="Direction">Inbound (the provider's webhook) or outbound (we dialled).</param>
/// <param name="EdgeCall">The edge call to join; null for the edge's own naming of <paramref name="CallId"/>.</param>
/// <param name="LinkedCallId">For a warm-transfer leg: the bridge call it is dialled for.</param>
/// <param name="JoinsExistingCall">
/// The call joins an edge call that is already going (a human dialled into an agent's call, a warm-transfer leg):
/// the registry's default prepare step (the agent launch) is skipped, since whoever runs that call is already there.
/// </param>
/// <param name="ExpectedSampleRate">
/// The rate the phone stream will have, when the provider fixes it at registration (Twilio: always 8000). With it the
/// edge call is joined at registration, beside the prepare step, instead of when the media stream starts.
/// </param>
/// <param name="CustomParameters">The provider's custom parameters known at registration (see <see cref="CallInfo.CustomParameters"/>).</param>
/// <param name="StirVerstat">The caller id's STIR/SHAKEN verification, when the provider gives it.</param>
/// <param name="RingTimeout">
/// For a call we dial: how long the provider lets it ring before giving up. The registration waits that long on top of
/// the usual connect allowance, since the provider opens the media stream only once the callee answers.
/// </param>
/// <param name="TraceParent">
/// The W3C <c>traceparent</c> the call's trace continues from; null for the current request's (the webhook's).
/// </param>
public sealed record CallRegistrationRequest(
    string Provider,
    string? ProviderCallId = null,
    string? From = null,
    string? To = null,
    Func<CallInfo, CancellationToken, Task<object?>>? Prepare = null,
    string? CallId = null,
    CallDirection Direction = CallDirection.Inbound,
    EdgeCallAddress? EdgeCall = null,
    string? LinkedCallId = null,
    bool JoinsExistingCall = false,
    int? ExpectedSampleRate = null,
    IReadOnlyDictionary<string, string>? CustomParameters = null,
    string? StirVerstat = null,
    TimeSpan? RingTimeout = null,
    string? TraceParent = null);
