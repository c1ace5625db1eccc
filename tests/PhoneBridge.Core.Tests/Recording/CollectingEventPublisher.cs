using System.Collections.Concurrent;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Tests.Recording;

/// <summary>The edge call's event publisher: keeps what it was told and lets a test wait for an event.</summary>
internal sealed class CollectingEventPublisher : ICallEventPublisher
{
    private readonly Lock _gate = new();
    private readonly List<(Func<CallEvent, bool> Match, TaskCompletionSource<CallEvent> Done)> _waiters = [];

    public ConcurrentQueue<CallEvent> Published { get; } = new();

    public IReadOnlyList<PhoneRecordingEvent> Recording(string callId) =>
        [.. Published.OfType<PhoneRecordingEvent>().Where(e => e.CallId == callId)];

    public void Publish(LiveCall call, CallEvent callEvent)
    {
        lock (_gate)
        {
            Published.Enqueue(callEvent);
            foreach (var waiter in _waiters.Where(w => w.Match(callEvent)).ToArray())
            {
                waiter.Done.TrySetResult(callEvent);
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes with the first event (already published or to come) that matches.</summary>
    public Task<CallEvent> WaitForAsync(Func<CallEvent, bool> match)
    {
        lock (_gate)
        {
            if (Published.FirstOrDefault(match) is { } already)
            {
                return Task.FromResult(already);
            }

            var done = new TaskCompletionSource<CallEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(TestTimeouts.Wait);
        }
    }

    public Task<CallEvent> WaitForRecordingAsync(string callId, string state) =>
        WaitForAsync(e => e is PhoneRecordingEvent r && r.CallId == callId && r.State == state);
}
