namespace PhoneBridge.Core.Phone;

/// <summary>What a queued outbound message towards the provider is.</summary>
public enum PhoneOutboundKind : byte
{
    Media,
    Mark,
    Clear,
}
