using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>What both DTLS roles offer and accept: the WebRTC profile of DTLS 1.2 (RFC 8827, RFC 5764).</summary>
internal static class DtlsSrtpPolicy
{
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    /// <summary>The use_srtp protection profile numbers of <paramref name="profiles"/>, in the same order.</summary>
    public static int[] ToProtectionProfiles(IReadOnlyList<SrtpProfile> profiles)
    {
        if (profiles.Count == 0)
        {
            throw new ArgumentException("At least one SRTP profile is required.", nameof(profiles));
        }

        return profiles.Select(p => (int)p).ToArray();
    }

    /// <summary>
    /// Signature algorithms, ecdsa_secp256r1_sha256 first: some stacks reject a hello whose first choice they lack
    /// (e.g. sha512/ecdsa), and every WebRTC peer signs with P-256.
    /// </summary>
    public static IList<SignatureAndHashAlgorithm> SignatureAlgorithms { get; } =
    [
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.rsa_pss_rsae_sha256,
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
        SignatureAndHashAlgorithm.rsa_pss_rsae_sha384,
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa),
    ];

    public static readonly int[] ClientCipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
    ];

    /// <summary>The server signs with the ECDSA certificate, so only ECDHE_ECDSA suites apply.</summary>
    public static readonly int[] ServerCipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    public static readonly int[] NamedGroups = [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];

    public static readonly SignatureAndHashAlgorithm LocalSignature =
        SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    public static SrtpProfile ToSrtpProfile(int protectionProfile) => protectionProfile switch
    {
        SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM => SrtpProfile.AeadAes128Gcm,
        SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80 => SrtpProfile.AesCm128HmacSha1_80,
        _ => throw new TlsFatalAlert(AlertDescription.illegal_parameter, $"SRTP protection profile {protectionProfile} was not offered."),
    };

    public static Certificate ToTlsCertificate(BcTlsCrypto crypto, DtlsCertificate certificate) =>
        new([new BcTlsCertificate(crypto, certificate.Structure)]);

    public static TlsCredentialedSigner Signer(TlsContext context, BcTlsCrypto crypto, DtlsCertificate certificate) =>
        new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, certificate.PrivateKey,
            ToTlsCertificate(crypto, certificate), LocalSignature);

    /// <summary>Checks the peer's end-entity certificate against the SDP fingerprint; throws bad_certificate otherwise.</summary>
    public static void VerifyPeer(Certificate? peer, DtlsFingerprint expected)
    {
        if (peer is null || peer.IsEmpty)
        {
            throw new TlsFatalAlert(AlertDescription.certificate_required, "The peer sent no certificate.");
        }

        byte[] der = peer.GetCertificateAt(0).GetEncoded();
        if (!expected.Matches(der))
        {
            throw new DtlsFingerprintMismatchException();
        }
    }

    /// <summary>Exports the SRTP master keys once the handshake, including the fingerprint check, has completed.</summary>
    public static SrtpKeyingMaterial ExportKeys(TlsContext context, int protectionProfile)
    {
        SrtpProfile profile = ToSrtpProfile(protectionProfile);
        byte[] material = context.ExportKeyingMaterial(ExporterLabel, null, SrtpKeyingMaterial.ExporterLength(profile));
        try
        {
            return SrtpKeyingMaterial.FromExporterOutput(profile, material);
        }
        finally
        {
            Array.Clear(material);
        }
    }
}

/// <summary>Raised inside the handshake when the peer's certificate does not hash to the SDP fingerprint.</summary>
internal sealed class DtlsFingerprintMismatchException : TlsFatalAlert
{
    public DtlsFingerprintMismatchException()
        : base(Org.BouncyCastle.Tls.AlertDescription.bad_certificate, "The peer certificate does not match the SDP fingerprint.")
    {
    }
}
