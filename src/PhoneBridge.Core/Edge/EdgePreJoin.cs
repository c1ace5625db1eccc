using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Edge;

/// <summary>
/// An edge join started before the phone's media stream exists (at registration, while the provider is still
/// opening the socket), with a handler bound later. The bridge takes the session when the stream starts at the rate
/// and as the participant it was joined with (<see cref="TakeAsync"/>); a session nobody takes (released, expired,
/// another rate) leaves the edge call and is disposed. Edge-neutral: any <see cref="IEdge"/> joins this way.
/// </summary>
public sealed class EdgePreJoin : IAsyncDisposable
{
    private const int Pending = 0;
    private const int Taken = 1;
    private const int Abandoned = 2;

    private readonly IEdge _edge;
    private readonly TimeSpan _leaveTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LateBoundEdgeHandler _handler = new();
    private readonly CancellationTokenSource _cancel = new();
    private int _state;

    internal EdgePreJoin(IEdge edge, EdgeJoinRequest request, TimeSpan leaveTimeout, TimeProvider time, ILogger logger)
    {
        _edge = edge;
        Request = request;
        _leaveTimeout = leaveTimeout;
        _time = time;
        _logger = logger;
        EdgePreJoinLog.PreJoinStarted(logger, request.CallId, edge.Name, request.SampleRate);

        // Off the caller's thread: registration answers a webhook, and an edge's synchronous part may be slow.
        Session = Task.Run(JoinAsync, CancellationToken.None);
    }

    /// <summary>What the session was joined with (no prepared result: the join does not wait for the prepare step).</summary>
    public EdgeJoinRequest Request { get; }

    /// <summary>The joined session; null when the join failed (logged once, here) or was cancelled. Never faults.</summary>
    public Task<IEdgeSession?> Session { get; }

    /// <summary>
    /// Takes the session for a phone stream at <paramref name="sampleRate"/> as <paramref name="participantId"/>,
    /// waiting for a join still running, and sends its remote audio, resumes and hangup requests to
    /// <paramref name="handler"/> from then on. Null when there is nothing to take: the session was joined at
    /// another rate or as another participant, its join failed, it failed before the stream started, or it was
    /// released; the caller then joins afresh. A session whose edge call ended normally before the stream started is
    /// handed over as it is, so the caller ends the phone call as for any edge-side end.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while the join was running; the session is left.</exception>
    public async Task<IEdgeSession?> TakeAsync(int sampleRate, string participantId, IEdgeSessionHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var misfit = sampleRate != Request.SampleRate
            ? $"the phone streams at {sampleRate} Hz, the session was joined at {Request.SampleRate} Hz"
            : !string.Equals(participantId, Request.ParticipantId, StringComparison.Ordinal)
                ? "the phone joins as another participant"
                : null;
        if (misfit is not null)
        {
            if (TryAbandon())
            {
                EdgePreJoinLog.PreJoinNotUsed(_logger, Request.CallId, misfit);
                _ = LeaveUnusedAsync(misfit);
            }

            return null;
        }

        if (Interlocked.CompareExchange(ref _state, Taken, Pending) != Pending)
        {
            return null;
        }

        IEdgeSession? session;
        try
        {
            session = await Session.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _ = LeaveUnusedAsync("call ended while joining");
            throw;
        }

        if (session is null)
        {
            return null;
        }

        if (session.Completion is { IsCompleted: true, IsCompletedSuccessfully: false })
        {
            // A failure (the SFU connection lost while ringing, say) need not cost the call: a fresh join may work.
            const string Failed = "the edge session failed before the media stream started";
            EdgePreJoinLog.PreJoinNotUsed(_logger, Request.CallId, Failed);
            _ = LeaveUnusedAsync(Failed);
            return null;
        }

        _handler.Attach(handler);
        EdgePreJoinLog.PreJoinUsed(_logger, Request.CallId);
        return session;
    }

    /// <summary>Leaves the edge call and disposes the session unless the bridge has taken it. Idempotent.</summary>
    public ValueTask DisposeAsync() => new(AbandonAsync("released before the media stream started"));

    /// <summary>As <see cref="DisposeAsync"/>, with the reason the log gives. Never throws.</summary>
    public Task AbandonAsync(string reason) => TryAbandon() ? LeaveUnusedAsync(reason) : Task.CompletedTask;

    private bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Pending) == Pending;

    private async Task<IEdgeSession?> JoinAsync()
    {
        try
        {
            return await _edge.JoinAsync(Request, _handler, _cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            EdgePreJoinLog.PreJoinFailed(_logger, Request.CallId, _edge.Name, ex);
            return null;
        }
    }

    private async Task LeaveUnusedAsync(string reason)
    {
        try
        {
            // Stops a join still running; a finished one does not look at its token again.
            _cancel.Cancel();
        }
        catch (AggregateException)
        {
        }

        var session = await Session.ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_leaveTimeout, _time);
        try
        {
            await session.LeaveAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EdgePreJoinLog.PreJoinLeaveFailed(_logger, Request.CallId, ex);
        }

        try
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EdgePreJoinLog.PreJoinLeaveFailed(_logger, Request.CallId, ex);
        }

        EdgePreJoinLog.PreJoinLeft(_logger, Request.CallId, reason);
    }
}
