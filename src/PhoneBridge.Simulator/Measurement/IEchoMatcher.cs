namespace PhoneBridge.Simulator.Measurement;

/// <summary>
/// Pairs the audio a simulated phone sends with what comes back through an echo, to measure round trips.
/// Not thread-safe: one sender and one receiver under the caller's lock.
/// </summary>
public interface IEchoMatcher
{
    /// <summary>Round trips measured so far.</summary>
    LatencySamples Latencies { get; }

    /// <summary>160-byte μ-law frames sent.</summary>
    long FramesSent { get; }

    /// <summary>Sent frames accounted for as having come back.</summary>
    long FramesMatched { get; }

    /// <summary>Sent frames not (yet) back.</summary>
    long FramesPending { get; }

    /// <summary>Returned bytes that matched nothing sent.</summary>
    long UnmatchedBytes { get; }

    void OnSent(ReadOnlySpan<byte> frame, long timestamp);

    void OnReceived(ReadOnlySpan<byte> audio);

    /// <summary>End of call: whatever is still buffered or pending is settled.</summary>
    void Flush();
}

/// <summary>How a simulated call recognises its echo.</summary>
public enum EchoMatching
{
    /// <summary>Byte-exact frames (G.711 echo paths): every frame is matched, so loss is exact.</summary>
    Exact,

    /// <summary>
    /// Loud marker frames found by level (paths through a lossy codec such as Opus, where bytes change):
    /// latency per marker, loss counted in markers.
    /// </summary>
    Markers,
}
