using System.Collections.Concurrent;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Redis.Tests.Infrastructure;

/// <summary>
/// Stands in for the agent server: the prepare step "starts" a session with an id, closing one records its id, and the
/// handover describes a session by its id and rebuilds it on another instance, as the Stream agent launcher does.
/// </summary>
public sealed class FakeAgentServer : ICallPreparer, IPreparedWorkHandover
{
    private int _next;

    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentQueue<string> Closed { get; } = new();

    /// <summary>When set, each prepare step waits for it (a slow agent server).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public bool IsEnabled => true;

    public async Task<object?> PrepareAsync(CallInfo call, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        var id = "session-" + Interlocked.Increment(ref _next);
        Started.Enqueue(id);
        return new Session(this, id);
    }

    public string? Describe(object prepared) => prepared is Session session ? session.Id : null;

    public object? Restore(string description) => new Session(this, description);

    public sealed class Session(FakeAgentServer server, string id) : IAsyncDisposable
    {
        public string Id { get; } = id;

        public ValueTask DisposeAsync()
        {
            server.Closed.Enqueue(Id);
            return ValueTask.CompletedTask;
        }
    }
}
