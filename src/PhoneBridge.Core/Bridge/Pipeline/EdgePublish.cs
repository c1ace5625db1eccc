using PhoneBridge.Core.Edge;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// Last stage towards the edge: publishes frames on the edge session once it is attached. Frames before that
/// go nowhere, which only happens without an early-audio stage in front holding them.
/// </summary>
internal sealed class EdgePublish : AudioStage
{
    private volatile IEdgeSession? _session;

    public override string Name => "edge-publish";

    public void Attach(IEdgeSession session) => _session = session;

    public override void OnFrame(ReadOnlySpan<short> frame) => _session?.OnFrame(frame);
}
