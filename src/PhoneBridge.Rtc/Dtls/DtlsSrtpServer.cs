using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>The DTLS-SRTP server side (<c>a=setup:passive</c>) on BouncyCastle; always requires a client certificate.</summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly BcTlsCrypto _crypto;
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _remoteFingerprint;
    private readonly int[] _srtpProfiles;
    private readonly int _handshakeTimeoutMillis;
    private readonly IDtlsPeerObserver _observer;
    private int _selectedProfile = -1;
    private bool _peerVerified;

    public DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
        int[] srtpProfiles, int handshakeTimeoutMillis, IDtlsPeerObserver observer)
        : base(crypto)
    {
        _crypto = crypto;
        _certificate = certificate;
        _remoteFingerprint = remoteFingerprint;
        _srtpProfiles = srtpProfiles;
        _handshakeTimeoutMillis = handshakeTimeoutMillis;
        _observer = observer;
    }

    public SrtpKeyingMaterial? Keys { get; private set; }

    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMillis;

    public override bool RequiresExtendedMasterSecret() => true;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsSrtpPolicy.ServerCipherSuites);

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        UseSrtpData? offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client did not offer use_srtp.");
        }

        foreach (int profile in _srtpProfiles)
        {
            if (Array.IndexOf(offered.ProtectionProfiles, profile) >= 0)
            {
                _selectedProfile = profile;
                return;
            }
        }

        throw new TlsFatalAlert(AlertDescription.handshake_failure, "No common SRTP protection profile.");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([_selectedProfile], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest() =>
        // Advertising ecdsa_sign is what browsers check for (their certificates are ECDSA).
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], DtlsSrtpPolicy.SignatureAlgorithms, null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        DtlsSrtpPolicy.VerifyPeer(clientCertificate, _remoteFingerprint);
        _peerVerified = true;
    }

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        DtlsSrtpPolicy.Signer(m_context, _crypto, _certificate);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        if (!_peerVerified)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client certificate was never verified.");
        }

        Keys = DtlsSrtpPolicy.ExportKeys(m_context, _selectedProfile);
        _observer.OnHandshakeComplete(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _observer.OnAlertReceived(alertLevel, alertDescription);

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _observer.OnAlertRaised(alertLevel, alertDescription, message, cause);
}
