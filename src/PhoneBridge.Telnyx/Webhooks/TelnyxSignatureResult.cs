namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>Outcome of checking one webhook's Ed25519 signature; anything but <see cref="Valid"/> means reject.</summary>
public enum TelnyxSignatureResult
{
    Valid,
    MissingHeaders,
    MalformedTimestamp,
    TimestampOutOfTolerance,
    MalformedSignature,
    InvalidSignature,
}
