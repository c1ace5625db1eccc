using PhoneBridge.Audio;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Rtc.Media;

/// <summary>
/// An outgoing (or receive-only placeholder) audio track of a peer connection. Once the connection is secured,
/// <see cref="WriteFrame"/> encodes, packetizes, protects and sends the 20 ms frame on the caller's thread (tens of
/// microseconds, and a UDP send never waits), so a frame costs no queue, copy or thread-pool hop. Before that, and
/// after the connection stops sending, frames are counted as dropped: there is nowhere for them to go, and queueing
/// them would only add latency once the connection comes up.
/// </summary>
public sealed class LocalAudioTrack : IAudioFrameSink, IDisposable
{
    // Serialises writers (the encoder and packetizer are single-threaded) and sender attach/detach against a send
    // in progress, so a detached sender's encoder can be disposed safely.
    private readonly Lock _gate = new();
    private IAudioFrameSender? _sender;
    private bool _disposed;
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
    }

    public MediaDirection Direction { get; }

    public int SampleRate { get; }

    public string TrackId { get; }

    public string StreamId { get; }

    /// <summary>Samples in one 20 ms frame.</summary>
    public int FrameSize => AudioFrame.SamplesAt(SampleRate);

    /// <summary>The mid of the m-line carrying this track, known after the local description is set.</summary>
    public string? Mid { get; internal set; }

    /// <summary>Frames accepted by <see cref="WriteFrame"/>, sent or not.</summary>
    public long FramesWritten => Interlocked.Read(ref _written);

    /// <summary>Frames accepted but not sent: the connection was not (or no longer) sending.</summary>
    public long FramesDropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Sends one 20 ms mono frame if the connection is up, else drops it; never blocks on the network. Returns false
    /// when the track does not send or is closed.
    /// </summary>
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

        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            Interlocked.Increment(ref _written);
            if (_sender?.Send(pcm20ms) != true)
            {
                Interlocked.Increment(ref _dropped);
            }
        }

        return true;
    }

    /// <summary>The frame contract of the bridge: <see cref="WriteFrame"/> without its result.</summary>
    public void OnFrame(ReadOnlySpan<short> frame) => WriteFrame(frame);

    /// <summary>Starts sending through <paramref name="sender"/> (when the connection is secured).</summary>
    internal void Attach(IAudioFrameSender sender)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _sender = sender;
            }
        }
    }

    /// <summary>Stops sending through <paramref name="sender"/>; once this returns no send through it is in progress.</summary>
    internal void Detach(IAudioFrameSender sender)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_sender, sender))
            {
                _sender = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _sender = null;
        }
    }
}
