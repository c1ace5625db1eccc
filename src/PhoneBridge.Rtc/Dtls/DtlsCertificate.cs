using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate for DTLS-SRTP (RFC 8827 §6.5: browsers use the same kind). Its identity is
/// the fingerprint carried in SDP, so the subject and validity are only formal. Safe to share between connections.
/// </summary>
public sealed class DtlsCertificate
{
    private DtlsCertificate(X509CertificateStructure certificate, AsymmetricKeyParameter privateKey)
    {
        Structure = certificate;
        PrivateKey = privateKey;
        Der = certificate.GetEncoded();
        Fingerprint = DtlsFingerprint.Compute("sha-256", Der);
    }

    /// <summary>SHA-256 fingerprint as upper-case colon-separated hex, e.g. "AB:CD:...".</summary>
    public string Sha256Fingerprint => Fingerprint.HexValue;

    /// <summary>The <c>a=fingerprint</c> value, e.g. "sha-256 AB:CD:...".</summary>
    public string SdpFingerprint => Fingerprint.ToString();

    public DtlsFingerprint Fingerprint { get; }

    internal byte[] Der { get; }

    internal X509CertificateStructure Structure { get; }

    internal AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>Generates a fresh key pair and a certificate valid from a day ago for 30 days.</summary>
    public static DtlsCertificate CreateEcdsaP256(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator("ECDSA");
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        AsymmetricCipherKeyPair keys = generator.GenerateKeyPair();

        DateTime now = time.GetUtcNow().UtcDateTime;
        var name = new X509Name("CN=PhoneBridge");
        var certificate = new X509V3CertificateGenerator();
        certificate.SetSerialNumber(new BigInteger(63, random).Add(BigInteger.One));
        certificate.SetIssuerDN(name);
        certificate.SetSubjectDN(name);
        certificate.SetNotBefore(now.AddDays(-1));
        certificate.SetNotAfter(now.AddDays(30));
        certificate.SetPublicKey(keys.Public);
        X509Certificate signed = certificate.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
        return new DtlsCertificate(signed.CertificateStructure, keys.Private);
    }
}
