using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Registry;

/// <summary>What is known of a registered call. <see cref="From"/> and <see cref="To"/> are never logged.</summary>
/// <param name="EdgeCall">The edge call it joins, resolved at registration (null only where no registry made it).</param>
/// <param name="LinkedCallId">For a warm-transfer leg: the bridge call it was dialled for.</param>
/// <param name="ExpectedSampleRate">The phone stream's PCM rate when the provider fixes it at registration; null when unknown.</param>
/// <param name="CustomParameters">
/// What the provider carries for whoever set up the call, known at registration: Twilio's stream <c>&lt;Parameter&gt;</c>s
/// (configured for inbound calls, from <c>POST /calls</c> for outbound ones), Telnyx's decoded <c>client_state</c>.
/// Null when there are none. Not logged: callers may put personal data in them.
/// </param>
/// <param name="StirVerstat">The carrier's STIR/SHAKEN verification of the caller id (Twilio's <c>StirVerstat</c>), when given.</param>
/// <param name="TraceParent">
/// The W3C <c>traceparent</c> of the call's trace, set at registration (the webhook's request span); the media socket,
/// another request perhaps on another instance, continues that trace from it. Null when nothing traced.
/// </param>
public sealed record CallInfo(
    string CallId,
    string Provider,
    string? ProviderCallId,
    string? From,
    string? To,
    DateTimeOffset RegisteredAt,
    CallDirection Direction = CallDirection.Inbound,
    EdgeCallAddress? EdgeCall = null,
    string? LinkedCallId = null,
    int? ExpectedSampleRate = null,
    IReadOnlyDictionary<string, string>? CustomParameters = null,
    string? StirVerstat = null,
    string? TraceParent = null);
