namespace PhoneBridge.Core.Recording;

/// <summary>
/// A bounded queue of audio frames between the media threads and the recording writer: a fixed ring of slots, each
/// with room for one frame, allocated once when the recording starts and reused round the ring. Producers copy a frame into a free slot without
/// locking or allocating and drop it when the ring is full (the writer is behind); they never wait. Any number of
/// producers (the edge-to-phone direction is fed from two threads), one consumer. The slot protocol is Dmitry
/// Vyukov's bounded queue: each slot's sequence number says whose turn it is.
/// </summary>
/// <remarks>
/// The slots are not returned to a pool when the recording ends: a media thread may still be copying into one at
/// that moment, and memory the garbage collector frees cannot be handed to someone else under its feet.
/// </remarks>
internal sealed class FrameQueue
{
    private readonly int _capacity;
    private readonly int _frameSamples;
    private readonly long[] _sequence;
    private readonly long[] _stamps;
    private readonly int[] _lengths;
    private readonly short[] _samples;
    private long _enqueuePosition;
    private long _dequeuePosition;
    private long _dropped;

    public FrameQueue(int capacity, int frameSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSamples);
        _capacity = capacity;
        _frameSamples = frameSamples;
        _sequence = new long[capacity];
        _stamps = new long[capacity];
        _lengths = new int[capacity];
        _samples = GC.AllocateUninitializedArray<short>(capacity * frameSamples);
        for (var i = 0; i < capacity; i++)
        {
            _sequence[i] = i;
        }
    }

    /// <summary>Frames refused because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Copies <paramref name="frame"/> with its <paramref name="stamp"/>; false (and counted) when full. The pipeline
    /// carries 20 ms frames, one slot each; anything longer is cut to a slot.
    /// </summary>
    public bool TryEnqueue(ReadOnlySpan<short> frame, long stamp)
    {
        var samples = _samples;
        var position = Volatile.Read(ref _enqueuePosition);
        while (true)
        {
            var index = (int)(position % _capacity);
            var difference = Volatile.Read(ref _sequence[index]) - position;
            if (difference == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePosition, position + 1, position) == position)
                {
                    var length = Math.Min(frame.Length, _frameSamples);
                    frame[..length].CopyTo(samples.AsSpan(index * _frameSamples, length));
                    _lengths[index] = length;
                    _stamps[index] = stamp;
                    Volatile.Write(ref _sequence[index], position + 1);
                    return true;
                }

                position = Volatile.Read(ref _enqueuePosition);
            }
            else if (difference < 0)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }
            else
            {
                position = Volatile.Read(ref _enqueuePosition);
            }
        }
    }

    /// <summary>
    /// The oldest frame and its stamp, left in its slot (valid until <see cref="Release"/>); false when empty.
    /// Consumer only.
    /// </summary>
    public bool TryPeek(out long stamp, out ReadOnlySpan<short> frame)
    {
        var index = (int)(_dequeuePosition % _capacity);
        if (Volatile.Read(ref _sequence[index]) != _dequeuePosition + 1)
        {
            stamp = 0;
            frame = default;
            return false;
        }

        stamp = _stamps[index];
        frame = _samples.AsSpan(index * _frameSamples, _lengths[index]);
        return true;
    }

    /// <summary>Frees the slot of the frame <see cref="TryPeek"/> returned. Consumer only.</summary>
    public void Release()
    {
        var index = (int)(_dequeuePosition % _capacity);
        Volatile.Write(ref _sequence[index], _dequeuePosition + _capacity);
        _dequeuePosition++;
    }
}
