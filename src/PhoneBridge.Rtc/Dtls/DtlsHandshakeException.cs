namespace PhoneBridge.Rtc.Dtls;

/// <summary>A DTLS handshake that did not produce verified SRTP keys.</summary>
public sealed class DtlsHandshakeException : Exception
{
    public DtlsHandshakeException()
    {
    }

    public DtlsHandshakeException(string message)
        : base(message)
    {
    }

    public DtlsHandshakeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
