using PhoneBridge.Rtc.Dtls;

namespace PhoneBridge.Rtc.Tests.Dtls;

public class DtlsFingerprintTests
{
    private const string Chrome = "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3C:AF:B5:0E:CE:9F:2E:4C:5B:4D:4F:E3";

    [Fact]
    public void Parse_ReadsAlgorithmAndValue_CaseInsensitively()
    {
        DtlsFingerprint f = DtlsFingerprint.Parse(Chrome.ToLowerInvariant().Replace("sha-256", "SHA-256", StringComparison.Ordinal));
        Assert.Equal("sha-256", f.Algorithm);
        Assert.Equal(32, f.Value.Length);
        Assert.Equal(Chrome, f.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha-256")]
    [InlineData("md5 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B")]
    [InlineData("sha-256 4A:AD")]
    [InlineData("sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3C:AF:B5:0E:CE:9F:2E:4C:5B:4D:4F:ZZ")]
    [InlineData("sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3C:AF:B5:0E:CE:9F:2E:4C:5B:4D:4F:E3:00")]
    [InlineData("sha-256 4AAD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3C:AF:B5:0E:CE:9F:2E:4C:5B:4D:4F")]
    public void Parse_RejectsMalformedValues(string value)
    {
        Assert.False(DtlsFingerprint.TryParse(value, out _));
        Assert.Throws<FormatException>(() => DtlsFingerprint.Parse(value));
    }

    [Fact]
    public void Matches_ComparesTheHashOfTheCertificate()
    {
        byte[] der = [1, 2, 3, 4];
        DtlsFingerprint f = DtlsFingerprint.Compute("sha-256", der);
        Assert.True(DtlsFingerprint.Parse(f.ToString()).Matches(der));
        Assert.False(f.Matches([1, 2, 3, 5]));
        Assert.True(DtlsFingerprint.Compute("sha-1", der).Matches(der));
    }

    [Fact]
    public void Transport_RefusesAnUnparsableRemoteFingerprint()
    {
        var certificate = DtlsCertificate.CreateEcdsaP256(TimeProvider.System);
        Assert.Throws<FormatException>(() => new DtlsTransport(DtlsRole.Client, certificate, "sha-256 nope",
            (_, _) => ValueTask.CompletedTask, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System));
    }
}
