namespace PhoneBridge.Core.Recording;

/// <summary>
/// Lays one call's two directions side by side in a <see cref="StereoWavWriter"/>. The directions arrive on
/// different threads with no common clock, so the caller's frames are the clock: providers stream them every 20 ms
/// for the whole call (silence included), and the phone hears the edge's frames paced at the same 20 ms. Each
/// caller frame is stamped with its index (tick), each heard frame with the number of caller frames seen before it.
/// Output frame <c>n</c> is caller tick <c>start + n</c> on the left and, on the right, the oldest heard frame
/// stamped at or before that tick (one per tick, like the phone's paced playout), or silence when there is none.
/// A heard frame that races the caller frame of its tick lands one frame (20 ms) late at most; a caller frame the
/// queue dropped leaves 20 ms of silence on the left instead of shifting everything after it.
/// </summary>
internal sealed class StereoTimeline(long startTick, int frameSamples)
{
    private readonly short[] _silence = new short[frameSamples];
    private long _nextTick = startTick;

    /// <summary>The caller tick of the first frame of the file.</summary>
    public long StartTick { get; } = startTick;

    /// <summary>
    /// Writes every caller frame queued so far with what the caller heard at its tick. <paramref name="final"/>: the
    /// recording ends, so heard frames left after the last caller frame are written too, beside silence.
    /// </summary>
    public void Drain(FrameQueue caller, FrameQueue heard, StereoWavWriter wav, bool final)
    {
        while (caller.TryPeek(out var tick, out var frame))
        {
            if (tick >= _nextTick)
            {
                while (_nextTick < tick)
                {
                    Emit(_silence, heard, wav);
                }

                Emit(frame, heard, wav);
            }

            caller.Release();
        }

        if (final)
        {
            while (heard.TryPeek(out var stamp, out var frame))
            {
                wav.WriteFrame(_silence, stamp <= _nextTick ? frame : _silence);
                if (stamp <= _nextTick)
                {
                    heard.Release();
                }

                _nextTick++;
            }
        }
    }

    private void Emit(ReadOnlySpan<short> left, FrameQueue heard, StereoWavWriter wav)
    {
        // Heard frames stamped before the recording started are what the caller heard earlier: skipped.
        while (heard.TryPeek(out var stamp, out _) && stamp < StartTick)
        {
            heard.Release();
        }

        if (heard.TryPeek(out var heardTick, out var right) && heardTick <= _nextTick)
        {
            wav.WriteFrame(left, right);
            heard.Release();
        }
        else
        {
            wav.WriteFrame(left, _silence);
        }

        _nextTick++;
    }
}
