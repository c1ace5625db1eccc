namespace PhoneBridge.Telnyx.Media;

internal enum OutgoingKind : byte
{
    Media,
    Mark,
    Clear,
}

/// <summary>
/// One queued message towards Telnyx. A value type, so queuing a frame allocates nothing; <see cref="Buffer"/> is
/// rented from the shared pool and returned by whoever sends or drops the entry.
/// </summary>
/// <param name="Generation">The clear generation when queued; media older than the latest clear is skipped.</param>
internal readonly record struct OutgoingMessage(OutgoingKind Kind, byte[]? Buffer, int Length, string? Name, int Generation);
