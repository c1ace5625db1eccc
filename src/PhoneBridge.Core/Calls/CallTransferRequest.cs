namespace PhoneBridge.Core.Calls;

/// <summary>Body of <c>POST /calls/{callId}/transfer</c>.</summary>
/// <param name="To">E.164 number or <c>sip:user@host</c> to hand the call to.</param>
/// <param name="Mode">"cold" (the caller leaves the bridge for <paramref name="To"/>) or "warm" (<paramref name="To"/> is dialled into the same Stream call).</param>
/// <param name="From">Caller id shown to <paramref name="To"/>; default the call's own number on our side.</param>
public sealed record CallTransferRequest(string? To, string? Mode, string? From = null);
