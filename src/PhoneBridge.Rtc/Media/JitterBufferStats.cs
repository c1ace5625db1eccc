namespace PhoneBridge.Rtc.Media;

/// <summary>Counters of one receive stream, read without locking (values may be a frame apart).</summary>
public readonly record struct JitterBufferStats(
    long Received,
    long Decoded,
    long RecoveredByFec,
    long Concealed,
    long Late,
    long Duplicates,
    long Corrupt,
    long Resyncs,
    int TargetDelayMs,
    double JitterMs);
