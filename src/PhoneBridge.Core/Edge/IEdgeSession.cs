using PhoneBridge.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Edge;

/// <summary>
/// The phone participant inside an edge call. As an <see cref="IAudioFrameSink"/> it publishes caller audio:
/// each frame (PCM16 at the join rate) goes to the edge call; that never blocks and is bounded.
/// </summary>
public interface IEdgeSession : IAudioFrameSink, IAsyncDisposable
{
    /// <summary>Completes when the edge side ends (call ended, kicked, unrecoverable failure).</summary>
    Task Completion { get; }

    /// <summary>Tells the edge call the caller pressed a key (e.g. a custom event for the agent).</summary>
    void SendDtmf(char digit);

    /// <summary>Leaves the edge call cleanly. Idempotent.</summary>
    ValueTask LeaveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The phone's media stream started with <paramref name="start"/> (its custom parameters, as the provider echoed
    /// them). Called once, off the media thread, after the session was joined or taken; must not block. An edge that
    /// shows call metadata updates it here; the default ignores it.
    /// </summary>
    void OnPhoneStreamStarted(PhoneStreamStart start)
    {
    }

    /// <summary>
    /// The receive statistics of the edge's audio for the phone, read off the media path (when metrics are collected
    /// or the dashboard asks); null for an edge that measures none (the default).
    /// </summary>
    EdgeReceiveStats? ReceiveStats => null;
}

/// <summary>Receives what the edge call sends to the phone. Implementations must not block.</summary>
public interface IEdgeSessionHandler
{
    /// <summary>
    /// Where the edge's mixed remote audio for the phone goes (PCM16 at the join rate, normally 20 ms frames).
    /// The edge reads it once when it joins.
    /// </summary>
    IAudioFrameSink RemoteAudio { get; }

    /// <summary>Remote audio resumed after an interruption; buffered phone audio should be cleared.</summary>
    void OnRemoteAudioResumed();

    /// <summary>Someone in the edge call asked to end the phone call.</summary>
    void OnHangupRequested(string reason);
}
