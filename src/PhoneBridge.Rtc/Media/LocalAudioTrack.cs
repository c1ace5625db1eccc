using System.Buffers;
using System.Threading.Channels;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Rtc.Media;

/// <summary>
/// An outgoing (or receive-only placeholder) audio track of a peer connection. <see cref="WriteFrame"/> copies a
/// 20 ms PCM frame into a small bounded queue and returns at once; when the sender falls behind the oldest
/// frame is dropped so latency never builds up.
/// </summary>
public sealed class LocalAudioTrack : IDisposable
{
    /// <summary>Queue depth: 100 ms. Enough to absorb scheduling hiccups, small enough to keep latency low.</summary>
    public const int QueueFrames = 5;

    private readonly Channel<short[]> _frames;
    private long _dropped;
    private long _written;

    public LocalAudioTrack(MediaDirection direction, int sampleRate, string trackId, string streamId)
    {
        if (sampleRate is not (8000 or 16000 or 48000))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Audio tracks run at 8000, 16000 or 48000 Hz.");
        }

        if (direction == MediaDirection.Inactive)
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "A track must send, receive or both.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(trackId);
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        if (trackId.Any(char.IsWhiteSpace) || streamId.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("Track and stream ids must not contain whitespace (they go into a=msid).");
        }

        Direction = direction;
        SampleRate = sampleRate;
        TrackId = trackId;
        StreamId = streamId;
        _frames = Channel.CreateBounded<short[]>(
            new BoundedChannelOptions(QueueFrames)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            dropped =>
            {
                Interlocked.Increment(ref _dropped);
                ArrayPool<short>.Shared.Return(dropped);
            });
    }

    public MediaDirection Direction { get; }

    public int SampleRate { get; }

    public string TrackId { get; }

    public string StreamId { get; }

    /// <summary>Samples in one 20 ms frame.</summary>
    public int FrameSize => SampleRate / 50;

    /// <summary>The mid of the m-line carrying this track, known after the local description is set.</summary>
    public string? Mid { get; internal set; }

    public long FramesWritten => Interlocked.Read(ref _written);

    public long FramesDropped => Interlocked.Read(ref _dropped);

    internal ChannelReader<short[]> Frames => _frames.Reader;

    /// <summary>Queues one 20 ms mono frame; never blocks. Returns false when the track does not send or is closed.</summary>
    public bool WriteFrame(ReadOnlySpan<short> pcm20ms)
    {
        if (pcm20ms.Length != FrameSize)
        {
            throw new ArgumentException($"Expected {FrameSize} samples (20 ms at {SampleRate} Hz), got {pcm20ms.Length}.", nameof(pcm20ms));
        }

        if (!Direction.CanSend())
        {
            return false;
        }

        var frame = ArrayPool<short>.Shared.Rent(FrameSize);
        pcm20ms.CopyTo(frame);
        if (!_frames.Writer.TryWrite(frame))
        {
            ArrayPool<short>.Shared.Return(frame);
            return false;
        }

        Interlocked.Increment(ref _written);
        return true;
    }

    /// <summary>Returns a frame taken from <see cref="Frames"/> to the pool.</summary>
    internal static void Release(short[] frame) => ArrayPool<short>.Shared.Return(frame);

    public void Dispose()
    {
        if (_frames.Writer.TryComplete())
        {
            while (_frames.Reader.TryRead(out var frame))
            {
                Release(frame);
            }
        }
    }
}
