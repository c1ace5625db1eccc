namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>Request feature holding the raw webhook body once its signature has been verified.</summary>
internal sealed record TelnyxVerifiedWebhook(ReadOnlyMemory<byte> Body);
