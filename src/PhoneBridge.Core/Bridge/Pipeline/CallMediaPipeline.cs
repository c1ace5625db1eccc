using PhoneBridge.Core.Bridge.Hold;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Recording;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// The audio of one bridged call, both directions composed here and nowhere else. Each direction is a list of named
/// stages run on the thread that delivers the frame (the phone's receive loop, the edge's media loop): adding a
/// stage (a recording tap, a listen-in tap, a tone injector, a quality meter) is one line in its direction's list. Hold and in-band
/// DTMF are stages too, driven through <see cref="Control"/>.
/// </summary>
internal sealed class CallMediaPipeline
{
    private readonly CallGate _phoneGate = new();
    private readonly CallGate _edgeGate = new();
    private readonly EdgeSilenceFill _fill;
    private readonly HoldAudioStage _holdAudio;
    private readonly DtmfToneStage _tones;

    /// <param name="quality">Where the level stages store each direction's level (the live call's); a private one when null.</param>
    /// <param name="firstAudio">Told once, on the first frame from the phone.</param>
    public CallMediaPipeline(
        IPhoneMediaStream phone, BridgeCounters counters, HoldAudio? holdAudio = null, CallQuality? quality = null, Action? firstAudio = null)
    {
        quality ??= new CallQuality();
        EarlyAudio = new EarlyAudioBuffer(counters);
        Control = new CallMediaControl(counters, EarlyAudio, holdAudio ?? HoldAudio.Chime, phone);
        _fill = new EdgeSilenceFill(Control);
        _holdAudio = new HoldAudioStage(Control, _fill);
        _tones = new DtmfToneStage(Control);

        PhoneToEdge = new AudioChain(
            "provider-decode",
            _phoneGate,
            new FrameCounter("count-from-phone", Control.CountFromPhone),
            new LevelMeter("level-from-phone", quality.SetLevelFromPhone, firstAudio),
            _fill,
            Recording.Caller,
            Control.Listen.Caller,
            new HoldGate(Control),
            EarlyAudio,
            EdgePublish = new EdgePublish());

        EdgeToPhone = new AudioChain(
            "remote-mix",
            _edgeGate,
            _holdAudio,
            _tones,
            Recording.Heard,
            Control.Listen.Heard,
            new FrameCounter("count-to-phone", Control.CountToPhone),
            new LevelMeter("level-to-phone", quality.SetLevelToPhone),
            new PhonePlayout(phone));
        _fill.FeedInto(EdgeToPhone.Input);
    }

    /// <summary>Caller audio from the provider's decoder to the edge session.</summary>
    public AudioChain PhoneToEdge { get; }

    /// <summary>The edge's mixed audio to the provider's encoder and pacing.</summary>
    public AudioChain EdgeToPhone { get; }

    /// <summary>The phone-to-edge stage that holds caller audio until the edge is live.</summary>
    public EarlyAudioBuffer EarlyAudio { get; }

    /// <summary>The phone-to-edge stage that publishes on the edge session.</summary>
    public EdgePublish EdgePublish { get; }

    /// <summary>The recording taps: the caller before hold keeps them from the edge, and what the caller hears.</summary>
    public CallRecordingTap Recording { get; } = new();

    /// <summary>Hold, in-band DTMF and this call's counters, for the management API.</summary>
    public CallMediaControl Control { get; }

    /// <summary>True once <see cref="Close"/> ran: the call is ending.</summary>
    public bool IsClosed => _phoneGate.IsClosed;

    /// <summary>
    /// Sizes the hold-audio and tone buffers for the phone's format, once, before its frames flow; tones can be
    /// queued from then on.
    /// </summary>
    public void Start(PhoneAudioFormat format)
    {
        var frame = format.SamplesPerFrame;
        _holdAudio.Start(format.SampleRate, frame);
        _tones.Start(frame);
        _fill.Start(frame);
        Control.Listen.Start(format.SampleRate, frame);
        Control.Start(format.SampleRate);
    }

    /// <summary>Stops both directions at their first stage and closes the call's listeners.</summary>
    public void Close()
    {
        _phoneGate.Close();
        _edgeGate.Close();
        Control.Listen.Close();
    }
}
