namespace PhoneBridge.Core.Phone;

/// <summary>Receives a phone stream's events on its receive loop. Implementations must not block.</summary>
public interface IPhoneStreamHandler
{
    void OnStarted(PhoneStreamStart start);

    /// <summary>Caller audio as PCM16 at the started rate; the span is only valid during the call.</summary>
    void OnAudio(ReadOnlySpan<short> pcm);

    void OnDtmf(char digit);

    /// <summary>A mark we sent came back: its audio was played, or cleared.</summary>
    void OnMark(string name);
}
