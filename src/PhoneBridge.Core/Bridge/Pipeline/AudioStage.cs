using PhoneBridge.Audio;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// One named step of a call's audio path with one job: it takes a 20 ms frame, does that job and hands the frame
/// (or frames it held) to <see cref="Next"/>, on the thread that delivered it. The last stage of an
/// <see cref="AudioChain"/> hands frames out of the pipeline instead (to the edge session, to the phone stream).
/// </summary>
internal abstract class AudioStage : IAudioFrameSink
{
    private IAudioFrameSink _next = Discard.Instance;

    /// <summary>Short kebab-case name for logs, diagnostics and docs ("early-audio").</summary>
    public abstract string Name { get; }

    /// <summary>The stage after this one; set once when the chain is built.</summary>
    protected IAudioFrameSink Next => _next;

    public abstract void OnFrame(ReadOnlySpan<short> frame);

    internal void ConnectTo(IAudioFrameSink next) => _next = next;

    // What a last stage is connected to: it hands its frames elsewhere and never calls Next.
    private sealed class Discard : IAudioFrameSink
    {
        public static readonly Discard Instance = new();

        public void OnFrame(ReadOnlySpan<short> frame)
        {
        }
    }
}
