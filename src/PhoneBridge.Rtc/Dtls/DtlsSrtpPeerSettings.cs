using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>What <see cref="DtlsSrtpClient"/> and <see cref="DtlsSrtpServer"/> both need for one handshake.</summary>
/// <param name="SrtpProfiles">use_srtp protection profiles we accept, most preferred first.</param>
internal sealed record DtlsSrtpPeerSettings(
    BcTlsCrypto Crypto,
    DtlsCertificate Certificate,
    DtlsFingerprint RemoteFingerprint,
    int[] SrtpProfiles,
    int HandshakeTimeoutMillis,
    IDtlsPeerObserver Observer);
