using System.Threading.Channels;
using PhoneBridge.Core.Edge;

namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>An edge whose join completes when the test says so; sessions record what they receive.</summary>
internal sealed class FakeEdge : IEdge
{
    private readonly TaskCompletionSource _allowJoin = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<FakeEdgeSession> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<EdgeJoinRequest> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeEdge(bool joinImmediately = true)
    {
        if (joinImmediately)
        {
            _allowJoin.SetResult();
        }
    }

    public string Name => "fake";

    public Exception? FailJoinWith { get; set; }

    public int Joins;

    public Task<EdgeJoinRequest> Requested => _requested.Task;

    public Task<FakeEdgeSession> Joined => _joined.Task;

    public void AllowJoin() => _allowJoin.TrySetResult();

    public async Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Joins);
        _requested.TrySetResult(request);
        await _allowJoin.Task.WaitAsync(cancellationToken);
        if (FailJoinWith is not null)
        {
            throw FailJoinWith;
        }

        var session = new FakeEdgeSession(handler);
        _joined.TrySetResult(session);
        return session;
    }
}

internal sealed class FakeEdgeSession(IEdgeSessionHandler handler) : IEdgeSession
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IEdgeSessionHandler Handler { get; } = handler;

    public Channel<short[]> Received { get; } = Channel.CreateUnbounded<short[]>();

    public Channel<char> Digits { get; } = Channel.CreateUnbounded<char>();

    public Task Completion => _completion.Task;

    public Task Left => _left.Task;

    public Task Disposed => _disposed.Task;

    public void End() => _completion.TrySetResult();

    public void Fail(Exception ex) => _completion.TrySetException(ex);

    public void OnFrame(ReadOnlySpan<short> frame) => Received.Writer.TryWrite(frame.ToArray());

    public void SendDtmf(char digit) => Digits.Writer.TryWrite(digit);

    public ValueTask LeaveAsync(CancellationToken cancellationToken)
    {
        _left.TrySetResult();
        _completion.TrySetResult();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
