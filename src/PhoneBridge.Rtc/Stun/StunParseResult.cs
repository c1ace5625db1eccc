namespace PhoneBridge.Rtc.Stun;

/// <summary>Outcome of <see cref="StunMessage.TryParse"/>; anything but <see cref="Ok"/> means the datagram is not a usable STUN message.</summary>
public enum StunParseResult
{
    Ok,
    TooShort,
    NotStun,
    BadMagicCookie,
    LengthMismatch,
    TruncatedAttribute,
    AttributeAfterFingerprint,
}
