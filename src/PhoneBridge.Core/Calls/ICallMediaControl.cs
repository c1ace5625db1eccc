namespace PhoneBridge.Core.Calls;

/// <summary>
/// What the management API can do to a bridged call's audio, implemented by the call's media pipeline. Every method
/// returns at once; the work happens on the media path, clocked by the call's own frames.
/// </summary>
public interface ICallMediaControl
{
    /// <summary>
    /// Holds or resumes the call: while held the caller hears the hold audio and nothing of the caller reaches the
    /// edge call. Idempotent.
    /// </summary>
    void SetHeld(bool held);

    /// <summary>
    /// Queues in-band DTMF tones (ITU-T Q.23 pairs) into what the caller hears, <paramref name="toneMs"/> each with
    /// the Q.24 gap. False when the call's tone queue is full.
    /// </summary>
    /// <exception cref="ArgumentException">A digit is not <c>0-9 * # A-D</c>, there are none or more than 64, or
    /// <paramref name="toneMs"/> is outside 50–1000; the message says which.</exception>
    bool PlayDtmf(string digits, int toneMs);

    /// <summary>Frame and quality counters of this call so far.</summary>
    CallMediaStats Stats { get; }
}

/// <summary>One call's media counters, for <c>GET /calls/{callId}</c>.</summary>
/// <param name="FramesFromPhone">Caller frames received from the provider.</param>
/// <param name="FramesToPhone">Frames sent towards the caller.</param>
/// <param name="FramesDropped">Frames dropped by bounded buffers (early audio, socket back-pressure).</param>
/// <param name="FramesHeld">Caller frames kept out of the edge call by hold.</param>
/// <param name="DtmfTonesPlayed">In-band DTMF digits played to the caller.</param>
public sealed record CallMediaStats(long FramesFromPhone, long FramesToPhone, long FramesDropped, long FramesHeld, long DtmfTonesPlayed);
