namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>While the call is held, keeps the caller's frames from the edge call and counts them as held.</summary>
internal sealed class HoldGate(CallMediaControl control) : AudioStage
{
    public override string Name => "hold-gate";

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        if (control.IsHeld)
        {
            control.CountHeld();
            return;
        }

        Next.OnFrame(frame);
    }
}
