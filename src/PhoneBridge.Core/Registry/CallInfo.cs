using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Registry;

/// <summary>What is known of a registered call. <see cref="From"/> and <see cref="To"/> are never logged.</summary>
/// <param name="EdgeCall">The edge call it joins, resolved at registration (null only where no registry made it).</param>
/// <param name="LinkedCallId">For a warm-transfer leg: the bridge call it was dialled for.</param>
/// <param name="ExpectedSampleRate">The phone stream's PCM rate when the provider fixes it at registration; null when unknown.</param>
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
    int? ExpectedSampleRate = null);
