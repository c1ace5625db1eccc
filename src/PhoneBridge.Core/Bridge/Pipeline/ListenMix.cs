using PhoneBridge.Audio;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// The listen-in taps of one call's media pipeline and the mixer between them. <see cref="Heard"/> (edge-to-phone,
/// what the caller hears) writes into a short ring; <see cref="Caller"/> (phone-to-edge, the caller as received) is
/// the clock, like <see cref="EdgeSilenceFill"/>'s: each caller sample takes one heard sample from the ring, the two
/// are summed with clipping, and every full 20 ms frame of the mix goes to each listener on the phone's receive loop.
/// With no listener each stage costs one volatile read; buffers are made when the first listener comes, so a call
/// nobody listens to pays nothing more, and nothing is allocated per frame either way.
/// </summary>
internal sealed class ListenMix
{
    /// <summary>Listeners one call takes at most.</summary>
    public const int MaxListeners = CallListener.MaxPerCall;

    // Heard audio kept for the caller's clock: enough for the edge's bursts, little enough to stay close to live.
    private const int RingFrames = 4;

    private readonly Lock _gate = new();
    private volatile CallListener[] _listeners = [];
    private volatile int _sampleRate;
    private int _frameSamples;
    private bool _closed;

    // The ring of heard samples (under _gate) and the frame of the mix being filled (phone's receive loop only).
    private short[] _ring = [];
    private int _ringStart;
    private int _ringCount;
    private short[] _mix = [];
    private int _mixCount;

    public ListenMix()
    {
        Caller = new CallerTap(this);
        Heard = new HeardTap(this);
    }

    /// <summary>The phone-to-edge stage: the caller, and the clock of the mix.</summary>
    public AudioStage Caller { get; }

    /// <summary>The edge-to-phone stage: what the caller hears.</summary>
    public AudioStage Heard { get; }

    /// <summary>The phone's rate once started; 0 before.</summary>
    public int SampleRate => _sampleRate;

    /// <summary>Listeners now.</summary>
    public int ListenerCount => _listeners.Length;

    /// <summary>Takes the phone's format, once, before its frames flow; listeners can be added from then on.</summary>
    public void Start(int sampleRate, int frameSamples)
    {
        lock (_gate)
        {
            _frameSamples = frameSamples;
            _sampleRate = sampleRate;
        }
    }

    /// <inheritdoc cref="ICallListenIn.AddListener"/>
    public CallListener? AddListener(IAudioFrameSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            if (_closed || _sampleRate == 0 || _listeners.Length >= MaxListeners)
            {
                return null;
            }

            if (_ring.Length == 0)
            {
                _ring = new short[RingFrames * _frameSamples];
                _mix = new short[_frameSamples];
            }

            var listener = new CallListener(sink, Remove);
            _listeners = [.. _listeners, listener];
            return listener;
        }
    }

    /// <summary>The call is ending: every listener is told and removed, and no more can come.</summary>
    public void Close()
    {
        CallListener[] listeners;
        lock (_gate)
        {
            _closed = true;
            listeners = _listeners;
            _listeners = [];
        }

        foreach (var listener in listeners)
        {
            listener.CallEnded();
        }
    }

    private void Remove(CallListener listener)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_listeners, listener);
            if (index < 0)
            {
                return;
            }

            _listeners = [.. _listeners[..index], .. _listeners[(index + 1)..]];
            if (_listeners.Length == 0)
            {
                // Heard audio kept for a listener that left would reach the next one late.
                _ringCount = 0;
            }
        }
    }

    private void OnHeard(ReadOnlySpan<short> frame)
    {
        lock (_gate)
        {
            var ring = _ring;
            if (ring.Length == 0)
            {
                return;
            }

            foreach (var sample in frame)
            {
                if (_ringCount == ring.Length)
                {
                    // Full: the oldest sample goes, so the mix stays as close to live as the ring allows.
                    _ringStart = (_ringStart + 1) % ring.Length;
                    _ringCount--;
                }

                ring[(_ringStart + _ringCount) % ring.Length] = sample;
                _ringCount++;
            }
        }
    }

    private void OnCaller(ReadOnlySpan<short> frame, CallListener[] listeners)
    {
        var mix = _mix;
        if (mix.Length == 0)
        {
            return;
        }

        for (var offset = 0; offset < frame.Length;)
        {
            var count = Math.Min(frame.Length - offset, mix.Length - _mixCount);
            var part = mix.AsSpan(_mixCount, count);
            frame.Slice(offset, count).CopyTo(part);
            AddHeard(part);
            _mixCount += count;
            offset += count;
            if (_mixCount == mix.Length)
            {
                _mixCount = 0;
                foreach (var listener in listeners)
                {
                    listener.Sink.OnFrame(mix);
                }
            }
        }
    }

    // Adds as many heard samples as the ring holds (up to the part's length) to the caller's, clipping the sum.
    private void AddHeard(Span<short> part)
    {
        lock (_gate)
        {
            var ring = _ring;
            var count = Math.Min(part.Length, _ringCount);
            for (var i = 0; i < count; i++)
            {
                part[i] = (short)Math.Clamp(part[i] + ring[_ringStart], short.MinValue, short.MaxValue);
                _ringStart = (_ringStart + 1) % ring.Length;
            }

            _ringCount -= count;
        }
    }

    private sealed class CallerTap(ListenMix mix) : AudioStage
    {
        public override string Name => "listen-caller";

        public override void OnFrame(ReadOnlySpan<short> frame)
        {
            var listeners = mix._listeners;
            if (listeners.Length > 0)
            {
                mix.OnCaller(frame, listeners);
            }

            Next.OnFrame(frame);
        }
    }

    private sealed class HeardTap(ListenMix mix) : AudioStage
    {
        public override string Name => "listen-heard";

        public override void OnFrame(ReadOnlySpan<short> frame)
        {
            if (mix._listeners.Length > 0)
            {
                mix.OnHeard(frame);
            }

            Next.OnFrame(frame);
        }
    }
}
