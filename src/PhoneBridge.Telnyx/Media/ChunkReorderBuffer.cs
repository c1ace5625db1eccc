using System.Buffers;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Telnyx.Media;

/// <summary>
/// Restores the order of media chunks, which Telnyx does not guarantee. In-order chunks pass straight through;
/// a chunk that arrives ahead of a gap waits in one of a few pooled slots until the gap fills or the window is
/// full, and then the missing chunk is given up. So a loss costs at most a window of delay once, never a
/// standing delay, and memory stays bounded.
/// </summary>
internal sealed class ChunkReorderBuffer : IDisposable
{
    private readonly int _window;
    private readonly short[]?[] _slots;
    private readonly int[] _lengths;
    private readonly long[] _chunks;
    private long _next = -1;
    private int _held;

    public ChunkReorderBuffer(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _window = window;
        _slots = new short[]?[window];
        _lengths = new int[window];
        _chunks = new long[window];
    }

    /// <summary>Chunks that arrived after they had been given up, or twice.</summary>
    public long Late { get; private set; }

    /// <summary>Chunks that never arrived in time and were skipped.</summary>
    public long Skipped { get; private set; }

    /// <summary>Chunks that were held back and delivered late but in order.</summary>
    public long Reordered { get; private set; }

    /// <summary>Accepts chunk <paramref name="chunk"/> (or -1 when it has no number) and delivers what is in order.</summary>
    public void Push(long chunk, ReadOnlySpan<short> pcm, IPhoneStreamHandler handler)
    {
        if (chunk < 0)
        {
            handler.CallerAudio.OnFrame(pcm);
            return;
        }

        if (_next < 0)
        {
            // Chunks count from 1, and the very first ones may arrive swapped too: expect chunk 1 when this one is
            // close to the start, so it is not dropped as late.
            _next = chunk <= _window ? Math.Min(chunk, 1) : chunk;
        }

        if (chunk < _next)
        {
            Late++;
            return;
        }

        if (chunk - _next >= 2L * _window)
        {
            // A jump far past the window (counter reset, long outage): deliver what is held and start over here.
            Flush(handler);
            Skipped += chunk - _next;
            _next = chunk;
        }

        while (chunk - _next >= _window)
        {
            // Make room: stop waiting for the oldest missing chunk.
            if (!TryDeliverHeld(_next, handler))
            {
                Skipped++;
            }

            _next++;
        }

        if (chunk == _next)
        {
            handler.CallerAudio.OnFrame(pcm);
            _next++;
        }
        else
        {
            Hold(chunk, pcm);
        }

        while (_held > 0 && TryDeliverHeld(_next, handler))
        {
            _next++;
        }
    }

    /// <summary>Delivers everything held, in order; used when the stream stops.</summary>
    public void Flush(IPhoneStreamHandler handler)
    {
        while (_held > 0)
        {
            if (!TryDeliverHeld(_next, handler))
            {
                Skipped++;
            }

            _next++;
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { } slot)
            {
                ArrayPool<short>.Shared.Return(slot);
                _slots[i] = null;
            }
        }

        _held = 0;
    }

    private void Hold(long chunk, ReadOnlySpan<short> pcm)
    {
        var index = (int)(chunk % _window);
        if (_slots[index] is not null)
        {
            // Only the same chunk can occupy this slot inside the window: a duplicate.
            Late++;
            return;
        }

        var slot = ArrayPool<short>.Shared.Rent(Math.Max(pcm.Length, 1));
        pcm.CopyTo(slot);
        _slots[index] = slot;
        _lengths[index] = pcm.Length;
        _chunks[index] = chunk;
        _held++;
    }

    private bool TryDeliverHeld(long chunk, IPhoneStreamHandler handler)
    {
        var index = (int)(chunk % _window);
        if (_slots[index] is not { } slot || _chunks[index] != chunk)
        {
            return false;
        }

        _slots[index] = null;
        _held--;
        Reordered++;
        try
        {
            handler.CallerAudio.OnFrame(slot.AsSpan(0, _lengths[index]));
        }
        finally
        {
            ArrayPool<short>.Shared.Return(slot);
        }

        return true;
    }
}
