using PhoneBridge.Audio;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// One direction of a call's audio: stages connected in the order given, each forwarding to the next on the same
/// thread, with no queue and no copy between them. <see cref="Input"/> is where the direction's source (the provider's
/// decoder, the edge's mixer) delivers frames.
/// </summary>
internal sealed class AudioChain
{
    public AudioChain(string source, params AudioStage[] stages)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentOutOfRangeException.ThrowIfZero(stages.Length);
        for (var i = 0; i + 1 < stages.Length; i++)
        {
            stages[i].ConnectTo(stages[i + 1]);
        }

        Source = source;
        Stages = stages;
        Input = stages[0];
        Description = source + " → " + string.Join(" → ", stages.Select(s => s.Name));
    }

    /// <summary>Name of what feeds the chain; it lives outside the pipeline.</summary>
    public string Source { get; }

    /// <summary>The stages in the order a frame passes them.</summary>
    public IReadOnlyList<AudioStage> Stages { get; }

    /// <summary>The first stage: frames given here pass every stage once, in order.</summary>
    public IAudioFrameSink Input { get; }

    /// <summary>"source → stage → … → last stage", for logs and diagnostics.</summary>
    public string Description { get; }
}
