namespace PhoneBridge.Core.Calls;

/// <summary>An outbound call to place through a provider, whose media joins an edge call.</summary>
/// <param name="To">E.164 number or <c>sip:</c> address; never logged.</param>
/// <param name="From">A number of the provider account (or verified caller id); never logged.</param>
/// <param name="PublicBaseUrl">Public http(s) base URL of this server; providers derive their media URL from it.</param>
/// <param name="EdgeCall">The edge call to join; null for a new call named by the call-id scheme.</param>
/// <param name="MachineDetection">Ask the provider for answering-machine detection.</param>
/// <param name="TimeoutSeconds">How long the provider lets it ring; null for the provider's default.</param>
/// <param name="LinkedCallId">For a warm transfer: the bridge call this leg was dialled for.</param>
/// <param name="CustomParameters">Custom parameters for the agent (already checked by <see cref="Calls.CustomParameters.Problem"/>); null for none.</param>
public sealed record PhoneDialRequest(
    string To,
    string From,
    Uri PublicBaseUrl,
    EdgeCallAddress? EdgeCall = null,
    bool MachineDetection = false,
    int? TimeoutSeconds = null,
    string? LinkedCallId = null,
    IReadOnlyDictionary<string, string>? CustomParameters = null);

/// <summary>A call the provider accepted to place: our id and the provider's.</summary>
public sealed record PlacedCall(string CallId, string ProviderCallId);
