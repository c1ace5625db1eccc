using Org.BouncyCastle.Asn1.X9;
using PhoneBridge.Rtc.Dtls;

namespace PhoneBridge.Rtc.Tests.Dtls;

public class DtlsCertificateTests
{
    [Fact]
    public void Certificate_IsSelfSignedEcdsaP256_WithSha256Fingerprint()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        DtlsCertificate certificate = DtlsCertificate.CreateEcdsaP256(time);

        var x509 = new Org.BouncyCastle.X509.X509Certificate(certificate.Structure);
        Assert.Equal("1.2.840.10045.4.3.2", x509.SigAlgOid); // ecdsa-with-SHA256
        x509.Verify(x509.GetPublicKey());
        var key = Assert.IsType<Org.BouncyCastle.Crypto.Parameters.ECPublicKeyParameters>(x509.GetPublicKey());
        Assert.Equal(ECNamedCurveTable.GetByName("P-256").Curve, key.Parameters.Curve);
        Assert.True(x509.NotBefore <= time.GetUtcNow().UtcDateTime && x509.NotAfter > time.GetUtcNow().UtcDateTime.AddDays(7));

        byte[] hash = System.Security.Cryptography.SHA256.HashData(certificate.Der);
        Assert.Equal(Convert.ToHexString(hash), certificate.Sha256Fingerprint.Replace(":", "", StringComparison.Ordinal));
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", certificate.Sha256Fingerprint);
        Assert.Equal("sha-256 " + certificate.Sha256Fingerprint, certificate.SdpFingerprint);
    }

    [Fact]
    public void EachCertificate_HasItsOwnKey()
    {
        Assert.NotEqual(DtlsCertificate.CreateEcdsaP256(TimeProvider.System).Sha256Fingerprint,
            DtlsCertificate.CreateEcdsaP256(TimeProvider.System).Sha256Fingerprint);
    }
}
