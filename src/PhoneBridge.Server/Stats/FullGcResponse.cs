namespace PhoneBridge.Server.Stats;

/// <summary>Body of <c>POST /stats/gc</c>: the managed heap right after a forced full, compacting collection.</summary>
/// <param name="LiveBytes">Bytes in managed objects that survived the collection (heap size less fragmentation).</param>
/// <param name="HeapSizeBytes">Heap size after the collection, fragmentation included (<see cref="GCMemoryInfo.HeapSizeBytes"/>).</param>
/// <param name="FragmentedBytes">Free space inside the heap after the collection.</param>
/// <param name="CommittedBytes">Memory the GC has committed from the OS.</param>
/// <param name="Gen2Collections">Full collections so far, these included.</param>
/// <param name="ElapsedMs">How long the forced collections took (every call was paused that long).</param>
public sealed record FullGcResponse(
    long LiveBytes,
    long HeapSizeBytes,
    long FragmentedBytes,
    long CommittedBytes,
    int Gen2Collections,
    double ElapsedMs);
