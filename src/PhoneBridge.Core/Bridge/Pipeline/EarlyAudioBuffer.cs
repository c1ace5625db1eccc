using System.Buffers;
using PhoneBridge.Audio;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// Holds caller audio while the edge joins, then forwards: a linear buffer of the last
/// <see cref="BridgeOptions.PreLiveBuffer"/> of audio, trimmed from the front when full. <see cref="GoLive"/> hands
/// what it holds to the next stage oldest first, in the phone's frame size (the cadence the edge would have seen
/// live), and from then on frames pass straight through. Audio it cannot hold (before <see cref="Start"/>, or the
/// oldest when full) is counted as dropped.
/// </summary>
internal sealed class EarlyAudioBuffer(BridgeCounters counters) : AudioStage
{
    private readonly Lock _gate = new();
    private short[]? _pending;
    private int _capacity;
    private int _count;
    private int _frameSamples = 1;
    private long _droppedFrames;
    private volatile bool _live;

    public override string Name => "early-audio";

    /// <summary>Frames dropped before the edge went live.</summary>
    public long DroppedFrames => Interlocked.Read(ref _droppedFrames);

    /// <summary>Sizes the buffer once the phone's format is known: <paramref name="hold"/> rounded to whole frames.</summary>
    public void Start(int frameSamples, TimeSpan hold)
    {
        var frame = Math.Max(1, frameSamples);
        var frames = (int)Math.Round(hold / AudioFrame.Duration);
        lock (_gate)
        {
            _frameSamples = frame;
            _capacity = frames * frame;
            _pending = _capacity > 0 ? ArrayPool<short>.Shared.Rent(_capacity) : null;
        }
    }

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        if (_live)
        {
            Next.OnFrame(frame);
            return;
        }

        lock (_gate)
        {
            if (_live)
            {
                Next.OnFrame(frame);
                return;
            }

            Hold(frame);
        }
    }

    /// <summary>Forwards the held audio, then everything that follows. Returns the samples forwarded from the buffer.</summary>
    public int GoLive()
    {
        lock (_gate)
        {
            var count = _count;
            if (_pending is not null)
            {
                for (var offset = 0; offset < count; offset += _frameSamples)
                {
                    Next.OnFrame(_pending.AsSpan(offset, Math.Min(_frameSamples, count - offset)));
                }
            }

            _count = 0;
            _live = true;
            return count;
        }
    }

    /// <summary>Stops forwarding and returns the buffer; later audio is counted as dropped.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _live = false;
            if (_pending is not null)
            {
                ArrayPool<short>.Shared.Return(_pending);
                _pending = null;
            }
        }
    }

    private void Hold(ReadOnlySpan<short> pcm)
    {
        if (_pending is null)
        {
            // Audio before start, or no early buffer configured.
            CountDroppedFrames(1);
            return;
        }

        var capacity = _capacity;
        if (pcm.Length >= capacity)
        {
            var lost = _count + (pcm.Length - capacity);
            pcm[^capacity..].CopyTo(_pending);
            _count = capacity;
            CountDroppedSamples(lost);
            return;
        }

        var overflow = _count + pcm.Length - capacity;
        if (overflow > 0)
        {
            _pending.AsSpan(overflow, _count - overflow).CopyTo(_pending);
            _count -= overflow;
            CountDroppedSamples(overflow);
        }

        pcm.CopyTo(_pending.AsSpan(_count));
        _count += pcm.Length;
    }

    private void CountDroppedSamples(int samples) => CountDroppedFrames((samples + _frameSamples - 1) / _frameSamples);

    private void CountDroppedFrames(long frames)
    {
        Interlocked.Add(ref _droppedFrames, frames);
        counters.AddFramesDropped(frames);
    }
}
