using PhoneBridge.Audio;
using PhoneBridge.Core.Edge;
using PhoneBridge.Stream.Sfu;

namespace PhoneBridge.Stream.Edge;

/// <summary>
/// The WebRTC media of one phone participant: the publisher track fed with phone audio and the subscriber
/// connection whose remote tracks come back as PCM at the phone's rate. Also the SFU session's media handler.
/// As an <see cref="IAudioFrameSink"/> it publishes phone frames (PCM16 at the phone's rate) on the publisher
/// track, on the caller's thread; that never blocks.
/// </summary>
public interface IStreamMedia : ISfuMediaHandler, IAudioFrameSink, IAsyncDisposable
{
    /// <summary>Connects the media to its SFU session (local candidates, failures). Called once before join.</summary>
    void Attach(SfuSession session);

    /// <summary>Receive statistics of the remote audio so far; null when this media measures none.</summary>
    EdgeReceiveStats? ReceiveStats => null;
}

/// <summary>Where decoded remote audio goes: one frame sink per remote track.</summary>
public interface IStreamMediaSink
{
    /// <summary>
    /// The sink for the remote track <paramref name="trackKey"/> (its msid stream id, or mid when unknown). Its
    /// frames are 20 ms at the phone's rate, delivered on the media receive loop; it must not block.
    /// </summary>
    IAudioFrameSink RemoteTrack(string trackKey);
}

/// <summary>Creates the media of one phone participant at the phone's sample rate.</summary>
public interface IStreamMediaFactory
{
    IStreamMedia Create(string callId, int sampleRate, IStreamMediaSink sink);
}
