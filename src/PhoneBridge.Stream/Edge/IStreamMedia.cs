using PhoneBridge.Stream.Sfu;

namespace PhoneBridge.Stream.Edge;

/// <summary>
/// The WebRTC media of one phone participant: the publisher track fed with phone audio and the subscriber
/// connection whose remote tracks come back as PCM at the phone's rate. Also the SFU session's media handler.
/// </summary>
public interface IStreamMedia : ISfuMediaHandler, IAsyncDisposable
{
    /// <summary>Connects the media to its SFU session (local candidates, failures). Called once before join.</summary>
    void Attach(SfuSession session);

    /// <summary>Queues phone audio (PCM16 at the phone's rate) for the publisher track. Never blocks; bounded.</summary>
    void SendAudio(ReadOnlySpan<short> pcm);
}

/// <summary>Receives decoded remote audio. Called on the media receive loop; must not block.</summary>
public interface IStreamMediaSink
{
    /// <param name="trackKey">Identifies the remote track (its msid stream id, or mid when unknown).</param>
    /// <param name="pcm">One 20 ms frame at the phone's rate; valid only during the call.</param>
    void OnRemoteFrame(string trackKey, ReadOnlySpan<short> pcm);
}

/// <summary>Creates the media of one phone participant at the phone's sample rate.</summary>
public interface IStreamMediaFactory
{
    IStreamMedia Create(string callId, int sampleRate, IStreamMediaSink sink);
}
