using System.Collections.Concurrent;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Testing.Calls;

/// <summary>The edge call's event publisher for tests: keeps every event it is told, in order.</summary>
public sealed class RecordingCallEvents : ICallEventPublisher
{
    public ConcurrentQueue<CallEvent> Published { get; } = new();

    public void Publish(LiveCall call, CallEvent callEvent) => Published.Enqueue(callEvent);
}
