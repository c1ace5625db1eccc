using PhoneBridge.Audio;

namespace PhoneBridge.Core.Phone;

/// <summary>Receives a phone stream's events on its receive loop. Implementations must not block.</summary>
public interface IPhoneStreamHandler
{
    void OnStarted(PhoneStreamStart start);

    /// <summary>
    /// Where the caller's decoded audio goes: PCM16 frames at the started rate, on the receive loop; a frame's span
    /// is only valid during the call. The same sink for the whole call.
    /// </summary>
    IAudioFrameSink CallerAudio { get; }

    void OnDtmf(char digit);

    /// <summary>A mark we sent came back: its audio was played, or cleared.</summary>
    void OnMark(string name);
}
