namespace PhoneBridge.Core.Calls;

/// <summary>The publisher of edges with nobody to tell (the local echo edge): events are dropped.</summary>
public sealed class NullCallEventPublisher : ICallEventPublisher
{
    public void Publish(LiveCall call, CallEvent callEvent)
    {
    }
}
