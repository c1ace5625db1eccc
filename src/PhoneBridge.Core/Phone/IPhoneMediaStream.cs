using PhoneBridge.Audio;

namespace PhoneBridge.Core.Phone;

/// <summary>
/// The phone side of one call: a provider media socket seen as PCM16 frames.
/// Twilio, Telnyx and the browser provider (a WebRTC peer connection) implement it; the bridge consumes it. As an <see cref="IAudioFrameSink"/> it is the last hop
/// towards the caller: each frame given to <see cref="IAudioFrameSink.OnFrame"/> (PCM16 at the started format's
/// rate) is encoded and queued for the caller to hear. That never blocks; the queue is bounded and drops the oldest
/// audio when the socket cannot keep up. Frames before start are ignored.
/// </summary>
public interface IPhoneMediaStream : IAudioFrameSink
{
    /// <summary>"twilio", "telnyx" or "browser"; used in logs and metrics.</summary>
    string Provider { get; }

    /// <summary>
    /// Runs the receive loop until the provider stops the stream, the socket closes or
    /// <paramref name="cancellationToken"/> fires. Events reach <paramref name="handler"/> on the
    /// receive loop, in order; the handler must not block. Fails with <see cref="PhoneStreamTimeoutException"/>
    /// (socket already closed) when the peer went quiet: no <c>start</c> in time, or keep-alive pings unanswered.
    /// </summary>
    Task RunAsync(IPhoneStreamHandler handler, CancellationToken cancellationToken);

    /// <summary>Queues a mark after the audio sent so far; the provider echoes it when played or cleared.</summary>
    void SendMark(string name);

    /// <summary>Drops queued audio here and asks the provider to drop its buffer (barge-in).</summary>
    void Clear();

    /// <summary>Ends the call: closes the media socket and, where the provider needs it, hangs up through its API.</summary>
    ValueTask HangUpAsync(string reason, CancellationToken cancellationToken);
}
