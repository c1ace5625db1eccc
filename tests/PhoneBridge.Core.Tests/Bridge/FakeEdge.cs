using System.Collections.Concurrent;
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

    /// <summary>Joins cancelled while waiting for <see cref="AllowJoin"/>.</summary>
    public int Cancellations;

    public Task<EdgeJoinRequest> Requested => _requested.Task;

    public Task<FakeEdgeSession> Joined => _joined.Task;

    /// <summary>Every join request, in order (the first is also <see cref="Requested"/>).</summary>
    public ConcurrentQueue<EdgeJoinRequest> Requests { get; } = new();

    /// <summary>Every session handed out, in order (the first is also <see cref="Joined"/>).</summary>
    public ConcurrentQueue<FakeEdgeSession> Sessions { get; } = new();

    public void AllowJoin() => _allowJoin.TrySetResult();

    public async Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Joins);
        Requests.Enqueue(request);
        _requested.TrySetResult(request);
        try
        {
            await _allowJoin.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref Cancellations);
            throw;
        }

        if (FailJoinWith is not null)
        {
            throw FailJoinWith;
        }

        var session = new FakeEdgeSession(handler);
        Sessions.Enqueue(session);
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
