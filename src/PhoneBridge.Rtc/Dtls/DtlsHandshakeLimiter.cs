namespace PhoneBridge.Rtc.Dtls;

/// <summary>
/// Caps concurrent DTLS handshakes. BouncyCastle's handshake is synchronous and holds a pool thread while it waits
/// for flights, so a burst of calls must not take every pool thread; the rest wait asynchronously for a slot.
/// </summary>
public sealed class DtlsHandshakeLimiter : IDisposable
{
    private readonly SemaphoreSlim _slots;

    public DtlsHandshakeLimiter(int maxConcurrentHandshakes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentHandshakes, 1);
        MaxConcurrentHandshakes = maxConcurrentHandshakes;
        _slots = new SemaphoreSlim(maxConcurrentHandshakes, maxConcurrentHandshakes);
    }

    /// <summary>Process-wide default: a few handshakes per core.</summary>
    public static DtlsHandshakeLimiter Shared { get; } = new(Math.Max(4, Environment.ProcessorCount * 4));

    public int MaxConcurrentHandshakes { get; }

    internal Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    internal void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
