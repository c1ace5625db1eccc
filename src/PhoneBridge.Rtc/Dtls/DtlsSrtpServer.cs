using Org.BouncyCastle.Tls;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>The DTLS-SRTP server side (<c>a=setup:passive</c>) on BouncyCastle; always requires a client certificate.</summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly DtlsSrtpPeerSettings _settings;
    private int _selectedProfile = -1;
    private bool _peerVerified;

    public DtlsSrtpServer(DtlsSrtpPeerSettings settings)
        : base(settings.Crypto)
    {
        _settings = settings;
    }

    public SrtpKeyingMaterial? Keys { get; private set; }

    public override int GetHandshakeTimeoutMillis() => _settings.HandshakeTimeoutMillis;

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

        foreach (int profile in _settings.SrtpProfiles)
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
        DtlsSrtpPolicy.VerifyPeer(clientCertificate, _settings.RemoteFingerprint);
        _peerVerified = true;
    }

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        DtlsSrtpPolicy.Signer(m_context, _settings.Crypto, _settings.Certificate);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        if (!_peerVerified)
        {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "The client certificate was never verified.");
        }

        Keys = DtlsSrtpPolicy.ExportKeys(m_context, _selectedProfile);
        _settings.Observer.OnHandshakeComplete(m_context);
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _settings.Observer.OnAlertReceived(alertLevel, alertDescription);

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _settings.Observer.OnAlertRaised(alertLevel, alertDescription, message, cause);
}
