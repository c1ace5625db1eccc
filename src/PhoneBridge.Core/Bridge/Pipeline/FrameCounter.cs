namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>Counts the frames passing through in one of the <see cref="BridgeCounters"/> (one interlocked increment).</summary>
internal sealed class FrameCounter(string name, Action count) : AudioStage
{
    public override string Name { get; } = name;

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        count();
        Next.OnFrame(frame);
    }
}
