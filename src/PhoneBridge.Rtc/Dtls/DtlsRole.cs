namespace PhoneBridge.Rtc.Dtls;

/// <summary>Which side of the DTLS handshake this peer plays; <c>a=setup:active</c> is the client (RFC 5763 §5).</summary>
public enum DtlsRole
{
    Client,
    Server,
}
