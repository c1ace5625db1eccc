namespace PhoneBridge.Core.Calls;

/// <summary>Body of <c>POST /calls/{callId}/dtmf</c>.</summary>
/// <param name="Digits">1–64 of <c>0-9 * # A-D</c>, played in order.</param>
/// <param name="ToneMs">Length of each tone, 50–1000 ms (default 100).</param>
public sealed record CallDtmfRequest(string? Digits, int? ToneMs = null);
