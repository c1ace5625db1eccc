using System.Collections.Concurrent;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>Records what would be told to each edge call, with the edge call it was told to.</summary>
internal sealed class RecordingCallEventPublisher : ICallEventPublisher
{
    public ConcurrentQueue<(EdgeCallAddress? EdgeCall, CallEvent Event)> Published { get; } = new();

    public void Publish(LiveCall call, CallEvent callEvent) => Published.Enqueue((call.EdgeCall, callEvent));

    public IReadOnlyList<T> Of<T>(string callId)
        where T : CallEvent =>
        Published.Select(p => p.Event).OfType<T>().Where(e => e.CallId == callId).ToList();
}
