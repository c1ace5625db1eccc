namespace PhoneBridge.Core.Edge;

/// <summary>The phone participant inside an edge call.</summary>
public interface IEdgeSession : IAsyncDisposable
{
    /// <summary>Completes when the edge side ends (call ended, kicked, unrecoverable failure).</summary>
    Task Completion { get; }

    /// <summary>Publishes caller audio (PCM16 at the join rate). Never blocks; bounded.</summary>
    void SendAudio(ReadOnlySpan<short> pcm);

    /// <summary>Tells the edge call the caller pressed a key (e.g. a custom event for the agent).</summary>
    void SendDtmf(char digit);

    /// <summary>Leaves the edge call cleanly. Idempotent.</summary>
    ValueTask LeaveAsync(CancellationToken cancellationToken);
}

/// <summary>Receives what the edge call sends to the phone. Implementations must not block.</summary>
public interface IEdgeSessionHandler
{
    /// <summary>Mixed remote audio (PCM16 at the join rate), normally in 20 ms frames.</summary>
    void OnRemoteAudio(ReadOnlySpan<short> pcm);

    /// <summary>Remote audio resumed after an interruption; buffered phone audio should be cleared.</summary>
    void OnRemoteAudioResumed();

    /// <summary>Someone in the edge call asked to end the phone call.</summary>
    void OnHangupRequested(string reason);
}
