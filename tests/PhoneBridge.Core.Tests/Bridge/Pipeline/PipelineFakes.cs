using PhoneBridge.Audio;
using PhoneBridge.Core.Bridge.Pipeline;

namespace PhoneBridge.Core.Tests.Bridge.Pipeline;

/// <summary>A pass-through stage that notes each frame it sees (its name and first sample) in a shared log.</summary>
internal sealed class RecordingStage(string name, List<string> log) : AudioStage
{
    public override string Name => name;

    public int Frames { get; private set; }

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        Frames++;
        log.Add($"{name}:{frame[0]}");
        Next.OnFrame(frame);
    }
}

/// <summary>A last stage that keeps copies of the frames it gets.</summary>
internal sealed class CollectingStage(string name = "end") : AudioStage
{
    public override string Name => name;

    public List<short[]> Frames { get; } = [];

    public override void OnFrame(ReadOnlySpan<short> frame) => Frames.Add(frame.ToArray());
}

/// <summary>A sink that keeps copies of the frames it gets.</summary>
internal sealed class CollectingSink : IAudioFrameSink
{
    public List<short[]> Frames { get; } = [];

    public void OnFrame(ReadOnlySpan<short> frame) => Frames.Add(frame.ToArray());
}
