namespace PhoneBridge.Simulator.Pacing;

/// <summary>A call driven by the shared <see cref="FramePacer"/>.</summary>
public interface IPacedCall
{
    /// <summary>
    /// Called once per pacer tick with the current <see cref="TimeProvider.GetTimestamp"/>. Must not block:
    /// start the sends that are due and return; a call still busy with the last tick may skip this one.
    /// </summary>
    void OnTick(long timestamp);
}
