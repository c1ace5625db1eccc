using PhoneBridge.Audio;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// Listen-in on a bridged call: the call's mix (the caller and what the caller hears, summed with clipping) handed to
/// a few listeners at the phone's rate, clocked by the caller's 20 ms frames. Implemented by the call's media pipeline
/// beside <see cref="ICallMediaControl"/> (<c>LiveCall.Media as ICallListenIn</c>).
/// </summary>
public interface ICallListenIn
{
    /// <summary>The phone's rate once the media stream started; 0 before (no listener can be added then).</summary>
    int SampleRate { get; }

    /// <summary>
    /// Adds <paramref name="sink"/>, which then gets one frame of the mix (20 ms at <see cref="SampleRate"/>) per caller
    /// frame, on the phone's receive loop; it must not block. Null when the media has not started, the call is ending
    /// or it already has its most listeners.
    /// </summary>
    CallListener? AddListener(IAudioFrameSink sink);
}
