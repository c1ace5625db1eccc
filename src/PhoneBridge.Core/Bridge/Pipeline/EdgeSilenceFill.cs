using PhoneBridge.Audio;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// The clock of hold audio and DTMF tones. The edge-to-phone direction has none (frames leave as the edge delivers
/// them, and a silent agent delivers none), but providers stream the caller's audio every 20 ms: while the call is
/// held or tones are queued, each caller frame that finds the edge silent for more than a frame pushes one frame of
/// silence into the edge-to-phone chain, where hold audio replaces it or tones mix into it, and it is counted and
/// played out like any other. While the edge sends, nothing is pushed, so nothing plays twice.
/// </summary>
internal sealed class EdgeSilenceFill(CallMediaControl control) : AudioStage
{
    // One caller frame without a remote frame may be jitter; two in a row mean the edge is silent.
    private const int SilentCallerFrames = 2;

    private short[] _silence = [];
    private IAudioFrameSink? _edgeToPhone;

    public override string Name => "edge-silence-fill";

    /// <summary>True while a frame this stage pushed is on its way to the phone (on this thread, under the lock).</summary>
    public bool IsFilling { get; private set; }

    /// <summary>Where generated frames go: the edge-to-phone chain's input; set once when the pipeline is built.</summary>
    public void FeedInto(IAudioFrameSink edgeToPhone) => _edgeToPhone = edgeToPhone;

    /// <summary>Sizes the silent frame once the phone's format is known.</summary>
    public void Start(int frameSamples) => _silence = new short[frameSamples];

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        if (control.NeedsGeneratedAudio && _silence.Length > 0 && _edgeToPhone is not null
            && control.CallerFrameWithoutRemote() >= SilentCallerFrames && control.EdgeSide.TryEnter())
        {
            try
            {
                IsFilling = true;
                _edgeToPhone.OnFrame(_silence);
            }
            finally
            {
                IsFilling = false;
                control.EdgeSide.Exit();
            }
        }

        Next.OnFrame(frame);
    }
}
