using Org.BouncyCastle.Tls;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>Callbacks from the BouncyCastle peer (on the handshake or receive thread) to its transport.</summary>
internal interface IDtlsPeerObserver
{
    void OnHandshakeComplete(TlsContext context);

    void OnAlertReceived(short level, short description);

    void OnAlertRaised(short level, short description, string? message, Exception? cause);
}
