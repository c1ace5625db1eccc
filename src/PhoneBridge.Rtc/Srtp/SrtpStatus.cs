namespace PhoneBridge.Rtc.Srtp;

/// <summary>Outcome of unprotecting an SRTP or SRTCP packet; anything but <see cref="Ok"/> means drop it.</summary>
public enum SrtpStatus
{
    Ok,
    /// <summary>Shorter than a header plus tag, or a header that runs past the packet.</summary>
    Malformed,
    /// <summary>The authentication tag did not verify (wrong key, tampering, or a wrong index guess).</summary>
    AuthenticationFailed,
    /// <summary>Already received (RFC 3711 §3.3.2).</summary>
    Replayed,
    /// <summary>Behind the replay window; cannot be checked, so it is dropped.</summary>
    TooOld,
    /// <summary>A new SSRC beyond the per-session stream limit.</summary>
    TooManyStreams,
}
