using PhoneBridge.Core.Edge;

namespace PhoneBridge.Redis.Tests.Infrastructure;

/// <summary>An edge that counts joins and leaves, for the early join made at registration.</summary>
public sealed class FakeEdge : IEdge
{
    private int _joined;
    private int _left;

    public string Name => "fake";

    public int Joined => Volatile.Read(ref _joined);

    public int Left => Volatile.Read(ref _left);

    public TaskCompletionSource AllLeft { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _joined);
        return Task.FromResult<IEdgeSession>(new Session(this));
    }

    private sealed class Session(FakeEdge edge) : IEdgeSession
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left;

        public Task Completion => _completion.Task;

        public void OnFrame(ReadOnlySpan<short> frame)
        {
        }

        public void SendDtmf(char digit)
        {
        }

        public ValueTask LeaveAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _left, 1) == 0 && Interlocked.Increment(ref edge._left) == edge.Joined)
            {
                edge.AllLeft.TrySetResult();
            }

            _completion.TrySetResult();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => LeaveAsync(CancellationToken.None);
    }
}
