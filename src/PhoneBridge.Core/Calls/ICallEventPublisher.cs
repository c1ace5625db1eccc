namespace PhoneBridge.Core.Calls;

/// <summary>
/// Tells a call's edge call what happened to the phone (<see cref="CallEvent"/>). Never blocks and never throws: the
/// edge sends on its own, bounded, and logs what it could not deliver.
/// </summary>
public interface ICallEventPublisher
{
    void Publish(LiveCall call, CallEvent callEvent);
}
