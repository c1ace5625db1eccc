namespace PhoneBridge.Core.Phone;

/// <summary>
/// One queued message towards the provider. A value type, so queuing a frame allocates nothing; <see cref="Buffer"/>
/// is rented from the shared pool and returned by whoever consumes or drops the entry.
/// </summary>
/// <param name="Generation">The clear generation when queued; media older than the latest clear is skipped.</param>
internal readonly record struct PhoneOutboundMessage(PhoneOutboundKind Kind, byte[]? Buffer, int Length, string? Name, int Generation);
