namespace PhoneBridge.Rtc.Stun;

/// <summary>The class of a STUN message (RFC 8489 §5), encoded in bits C1 and C0 of the message type.</summary>
public enum StunClass
{
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
}
