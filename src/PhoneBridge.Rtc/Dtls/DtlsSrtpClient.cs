using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>The DTLS-SRTP client side (<c>a=setup:active</c>) on BouncyCastle.</summary>
internal sealed class DtlsSrtpClient : DefaultTlsClient
{
    private readonly BcTlsCrypto _crypto;
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _remoteFingerprint;
    private readonly int[] _srtpProfiles;
    private readonly int _handshakeTimeoutMillis;
    private readonly IDtlsPeerObserver _observer;
    private int _selectedProfile = -1;
    private bool _peerVerified;

    public DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
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
        TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsSrtpPolicy.ClientCipherSuites);

    protected override IList<SignatureAndHashAlgorithm> GetSupportedSignatureAlgorithms() => DtlsSrtpPolicy.SignatureAlgorithms;

    protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) => DtlsSrtpPolicy.NamedGroups;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_srtpProfiles, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        UseSrtpData? srtp = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (srtp is null || srtp.ProtectionProfiles.Length != 1 || Array.IndexOf(_srtpProfiles, srtp.ProtectionProfiles[0]) < 0)
        {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "The server did not select an offered SRTP profile.");
        }

        _selectedProfile = srtp.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        if (!_peerVerified)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The server certificate was never verified.");
        }

        if (_selectedProfile < 0)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "No SRTP profile was negotiated.");
        }

        Keys = DtlsSrtpPolicy.ExportKeys(m_context, _selectedProfile);
        _observer.OnHandshakeComplete(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _observer.OnAlertReceived(alertLevel, alertDescription);

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _observer.OnAlertRaised(alertLevel, alertDescription, message, cause);

    private sealed class Authentication(DtlsSrtpClient owner) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            DtlsSrtpPolicy.VerifyPeer(serverCertificate.Certificate, owner._remoteFingerprint);
            owner._peerVerified = true;
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            DtlsSrtpPolicy.Signer(owner.m_context, owner._crypto, owner._certificate);
    }
}
