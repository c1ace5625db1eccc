namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>Stops a direction's audio once the call is ending, so nothing reaches a side that is shutting down.</summary>
internal sealed class CallGate : AudioStage
{
    private volatile bool _closed;

    public override string Name => "call-open";

    public bool IsClosed => _closed;

    public void Close() => _closed = true;

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        if (!_closed)
        {
            Next.OnFrame(frame);
        }
    }
}
