namespace PhoneBridge.Telnyx.Calls;

/// <summary>A call we placed: our id (media URL, edge call) and the Telnyx id (commands, webhooks).</summary>
public sealed record TelnyxOutboundCall(string CallId, string CallControlId);
