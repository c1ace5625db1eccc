using PhoneBridge.Audio;
using PhoneBridge.Audio.Tones;
using PhoneBridge.Core.Bridge.Hold;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// Hold and in-band DTMF of one call, shared by the stages that carry them out (<see cref="HoldGate"/>,
/// <see cref="EdgeSilenceFill"/>, <see cref="HoldAudioStage"/>, <see cref="DtmfToneStage"/>), and the call's own
/// frame counters. The API thread only flips a flag or queues a tone string; the media threads do the rest. Frames
/// dropped are the early-audio buffer's and, for a provider socket, the messages its full send queue dropped.
/// </summary>
/// <remarks>
/// The edge-to-phone stages run on the edge's thread for remote frames and on the phone's receive loop for the
/// frames <see cref="EdgeSilenceFill"/> generates while the edge is silent; <see cref="EdgeSide"/> keeps the two
/// apart. It is held for one frame's trip to the phone stream, and the phone side only tries it: when the edge is
/// passing a frame at that moment, no generated frame is needed.
/// </remarks>
internal sealed class CallMediaControl : ICallMediaControl, ICallListenIn
{
    /// <summary>Tone strings queued or playing at most; <see cref="PlayDtmf"/> refuses more.</summary>
    public const int MaxQueuedStrings = 8;

    private readonly BridgeCounters _counters;
    private readonly EarlyAudioBuffer _earlyAudio;
    private readonly WebSocketPhoneStream? _socket;
    private readonly Lock _queueGate = new();
    private readonly DtmfToneGenerator?[] _queue = new DtmfToneGenerator?[MaxQueuedStrings];
    private int _head;
    private int _queued;
    private int _tonesPending;
    private int _callerFramesSinceRemote;
    private volatile bool _held;
    private volatile int _sampleRate;

    private Action? _firstRemoteFrame;

    private long _framesFromPhone;
    private long _framesToPhone;
    private long _framesHeld;
    private long _dtmfTonesPlayed;

    public CallMediaControl(BridgeCounters counters, EarlyAudioBuffer earlyAudio, HoldAudio holdAudio, IPhoneMediaStream phone)
    {
        _counters = counters;
        _earlyAudio = earlyAudio;
        _socket = phone as WebSocketPhoneStream;
        HoldAudio = holdAudio;
    }

    /// <summary>What a held caller hears.</summary>
    public HoldAudio HoldAudio { get; }

    /// <summary>The listen-in taps and their mixer.</summary>
    public ListenMix Listen { get; } = new();

    int ICallListenIn.SampleRate => Listen.SampleRate;

    /// <summary>Serialises the edge-to-phone stages between the edge's thread and the generated frames.</summary>
    public Lock EdgeSide { get; } = new();

    public bool IsHeld => _held;

    /// <summary>True while the caller must hear something even if the edge sends nothing: held, or tones to play.</summary>
    public bool NeedsGeneratedAudio => _held || TonesPending;

    /// <summary>True while DTMF tones are queued or playing.</summary>
    public bool TonesPending => Volatile.Read(ref _tonesPending) > 0;

    /// <summary>The phone's rate once the stream started; 0 before.</summary>
    public int SampleRate => _sampleRate;

    public CallMediaStats Stats => new(
        Interlocked.Read(ref _framesFromPhone),
        Interlocked.Read(ref _framesToPhone),
        _earlyAudio.DroppedFrames + (_socket?.MessagesDropped ?? 0),
        Interlocked.Read(ref _framesHeld),
        Interlocked.Read(ref _dtmfTonesPlayed));

    public void SetHeld(bool held) => _held = held;

    public CallListener? AddListener(IAudioFrameSink sink) => Listen.AddListener(sink);

    /// <summary>
    /// Queues <paramref name="digits"/> (<c>0-9 * # A-D</c>, 1 to 64) as tones of <paramref name="toneMs"/>
    /// (50–1000 ms) each, followed by a pause as long as the tone and at least 60 ms. False when
    /// <see cref="MaxQueuedStrings"/> strings are already waiting or the phone stream has not started.
    /// </summary>
    /// <exception cref="ArgumentException">A digit or the tone length is out of range; the message says which.</exception>
    public bool PlayDtmf(string digits, int toneMs)
    {
        var rate = _sampleRate;
        if (rate == 0)
        {
            return false;
        }

        // Built here, on the caller's thread, so that the media path never allocates.
        var tones = new DtmfToneGenerator(digits, rate, toneMs);
        lock (_queueGate)
        {
            if (_queued == MaxQueuedStrings)
            {
                return false;
            }

            _queue[(_head + _queued) % MaxQueuedStrings] = tones;
            _queued++;
            Interlocked.Increment(ref _tonesPending);
            return true;
        }
    }

    /// <summary>Sets the phone's rate; tones can be queued from then on.</summary>
    public void Start(int sampleRate) => _sampleRate = sampleRate;

    /// <summary>True when a tone string waits to be taken (read without the queue's lock: a hint for the media path).</summary>
    internal bool TonesQueued => Volatile.Read(ref _queued) > 0;

    /// <summary>The next queued tone string, or null.</summary>
    internal DtmfToneGenerator? TakeTones()
    {
        lock (_queueGate)
        {
            if (_queued == 0)
            {
                return null;
            }

            var tones = _queue[_head];
            _queue[_head] = null;
            _head = (_head + 1) % MaxQueuedStrings;
            _queued--;
            return tones;
        }
    }

    /// <summary>A tone string taken with <see cref="TakeTones"/> has played to its end.</summary>
    internal void TonesPlayed(DtmfToneGenerator tones)
    {
        Interlocked.Add(ref _dtmfTonesPlayed, tones.Keys.Length);
        Interlocked.Decrement(ref _tonesPending);
    }

    /// <summary>A caller frame passed; returns how many have passed in a row without a remote frame.</summary>
    internal int CallerFrameWithoutRemote() => Interlocked.Increment(ref _callerFramesSinceRemote);

    /// <summary>A frame from the edge reached the edge-to-phone stages.</summary>
    internal void RemoteFrame()
    {
        Volatile.Write(ref _callerFramesSinceRemote, 0);
        if (Volatile.Read(ref _firstRemoteFrame) is not null)
        {
            FirstRemoteFrame();
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> once, on the media thread, when the next frame from the edge arrives (the call's
    /// first audio for the tracing span); null cancels it. Costs the media path one read per frame.
    /// </summary>
    internal void OnNextRemoteFrame(Action? action) => Volatile.Write(ref _firstRemoteFrame, action);

    private void FirstRemoteFrame() => Interlocked.Exchange(ref _firstRemoteFrame, null)?.Invoke();

    internal void CountFromPhone()
    {
        Interlocked.Increment(ref _framesFromPhone);
        _counters.FrameFromPhone();
    }

    internal void CountToPhone()
    {
        Interlocked.Increment(ref _framesToPhone);
        _counters.FrameToPhone();
    }

    internal void CountHeld() => Interlocked.Increment(ref _framesHeld);
}
