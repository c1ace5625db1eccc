using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// The audio of one bridged call, both directions composed here and nowhere else. Each direction is a list of named
/// stages run on the thread that delivers the frame (the phone's receive loop, the edge's media loop): adding a
/// stage (a recording tap, a tone injector, a quality meter) is one line in its direction's list.
/// </summary>
internal sealed class CallMediaPipeline
{
    private readonly CallGate _phoneGate = new();
    private readonly CallGate _edgeGate = new();

    public CallMediaPipeline(IPhoneMediaStream phone, BridgeCounters counters)
    {
        PhoneToEdge = new AudioChain(
            "provider-decode",
            _phoneGate,
            new FrameCounter("count-from-phone", counters.FrameFromPhone),
            EarlyAudio = new EarlyAudioBuffer(counters),
            EdgePublish = new EdgePublish());

        EdgeToPhone = new AudioChain(
            "remote-mix",
            _edgeGate,
            new FrameCounter("count-to-phone", counters.FrameToPhone),
            new PhonePlayout(phone));
    }

    /// <summary>Caller audio from the provider's decoder to the edge session.</summary>
    public AudioChain PhoneToEdge { get; }

    /// <summary>The edge's mixed audio to the provider's encoder and pacing.</summary>
    public AudioChain EdgeToPhone { get; }

    /// <summary>The phone-to-edge stage that holds caller audio until the edge is live.</summary>
    public EarlyAudioBuffer EarlyAudio { get; }

    /// <summary>The phone-to-edge stage that publishes on the edge session.</summary>
    public EdgePublish EdgePublish { get; }

    /// <summary>True once <see cref="Close"/> ran: the call is ending.</summary>
    public bool IsClosed => _phoneGate.IsClosed;

    /// <summary>Stops both directions at their first stage.</summary>
    public void Close()
    {
        _phoneGate.Close();
        _edgeGate.Close();
    }
}
