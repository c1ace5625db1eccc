namespace PhoneBridge.Audio;

/// <summary>
/// Takes one <see cref="AudioFrame"/> of mono PCM16 at the rate its producer and consumer agreed on. Every hop a
/// frame makes between the phone and the edge is one of these, so a stage can be put between any two.
/// </summary>
/// <remarks>
/// Called on the producer's thread, once per frame: an implementation must not block, must not keep the span
/// (it is only valid during the call) and should not allocate.
/// </remarks>
public interface IAudioFrameSink
{
    void OnFrame(ReadOnlySpan<short> frame);
}
