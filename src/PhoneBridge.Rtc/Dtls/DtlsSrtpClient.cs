using Org.BouncyCastle.Tls;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>The DTLS-SRTP client side (<c>a=setup:active</c>) on BouncyCastle.</summary>
internal sealed class DtlsSrtpClient : DefaultTlsClient
{
    private readonly DtlsSrtpPeerSettings _settings;
    private int _selectedProfile = -1;
    private bool _peerVerified;

    public DtlsSrtpClient(DtlsSrtpPeerSettings settings)
        : base(settings.Crypto)
    {
        _settings = settings;
    }

    public SrtpKeyingMaterial? Keys { get; private set; }

    public override int GetHandshakeTimeoutMillis() => _settings.HandshakeTimeoutMillis;

    public override bool RequiresExtendedMasterSecret() => true;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, DtlsSrtpPolicy.ClientCipherSuites);

    protected override IList<SignatureAndHashAlgorithm> GetSupportedSignatureAlgorithms() => DtlsSrtpPolicy.SignatureAlgorithms;

    protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) => DtlsSrtpPolicy.NamedGroups;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_settings.SrtpProfiles, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        UseSrtpData? srtp = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (srtp is null || srtp.ProtectionProfiles.Length != 1 || Array.IndexOf(_settings.SrtpProfiles, srtp.ProtectionProfiles[0]) < 0)
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
        _settings.Observer.OnHandshakeComplete(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _settings.Observer.OnAlertReceived(alertLevel, alertDescription);

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _settings.Observer.OnAlertRaised(alertLevel, alertDescription, message, cause);

    private sealed class Authentication(DtlsSrtpClient owner) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            DtlsSrtpPolicy.VerifyPeer(serverCertificate.Certificate, owner._settings.RemoteFingerprint);
            owner._peerVerified = true;
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            DtlsSrtpPolicy.Signer(owner.m_context, owner._settings.Crypto, owner._settings.Certificate);
    }
}
