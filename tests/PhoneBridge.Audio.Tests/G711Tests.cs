using System.Security.Cryptography;
using PhoneBridge.Audio;

namespace PhoneBridge.Audio.Tests;

public class G711Tests
{
    [Theory]
    [InlineData(0x00, -32124)]
    [InlineData(0x01, -31100)]
    [InlineData(0x0F, -16764)]
    [InlineData(0x10, -15996)]
    [InlineData(0x1F, -8316)]
    [InlineData(0x20, -7932)]
    [InlineData(0x3F, -1980)]
    [InlineData(0x40, -1884)]
    [InlineData(0x5F, -396)]
    [InlineData(0x60, -372)]
    [InlineData(0x6F, -132)]
    [InlineData(0x70, -120)]
    [InlineData(0x7D, -16)]
    [InlineData(0x7E, -8)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x8F, 16764)]
    [InlineData(0xF0, 120)]
    [InlineData(0xFD, 16)]
    [InlineData(0xFE, 8)]
    [InlineData(0xFF, 0)]
    [InlineData(0x73, -96)]
    [InlineData(0x72, -104)]
    [InlineData(0xCE, 988)]
    [InlineData(0xAF, 4092)]
    [InlineData(0xA0, 7932)]
    [InlineData(0x90, 15996)]
    public void MuLawDecodeAnchors(int code, int expected)
    {
        Assert.Equal((short)expected, G711.MuLawDecode((byte)code));
        Span<short> pcm = stackalloc short[1];
        Assert.Equal(1, G711.MuLawDecode([(byte)code], pcm));
        Assert.Equal((short)expected, pcm[0]);
    }

    [Theory]
    [InlineData(0x00, -5504)]
    [InlineData(0x2A, -32256)]
    [InlineData(0x54, -24)]
    [InlineData(0x55, -8)]
    [InlineData(0x7F, -848)]
    [InlineData(0x80, 5504)]
    [InlineData(0xAA, 32256)]
    [InlineData(0xD4, 24)]
    [InlineData(0xD5, 8)]
    [InlineData(0xFF, 848)]
    [InlineData(0xFA, 1008)]
    [InlineData(0x9A, 4032)]
    [InlineData(0x8A, 8064)]
    [InlineData(0xBA, 16128)]
    public void ALawDecodeAnchors(int code, int expected)
    {
        Assert.Equal((short)expected, G711.ALawDecode((byte)code));
        Span<short> pcm = stackalloc short[1];
        Assert.Equal(1, G711.ALawDecode([(byte)code], pcm));
        Assert.Equal((short)expected, pcm[0]);
    }

    [Fact]
    public void MuLawDecodeTableChecksum()
    {
        var pcm = new short[256];
        G711.MuLawDecode(AllCodes(), pcm);
        Assert.Equal("3dab54339e520bb2c924826e3b72a917a2b612e9fd12fc867500f1d983a75827", Sha256LittleEndian(pcm));
    }

    [Fact]
    public void ALawDecodeTableChecksum()
    {
        var pcm = new short[256];
        G711.ALawDecode(AllCodes(), pcm);
        Assert.Equal("e04788d110e58ff8c70c93b8480190d973e3b67876b6119abbaec766cc75c174", Sha256LittleEndian(pcm));
    }

    [Fact]
    public void MuLawEncoderMatchesG191ForEveryInt16()
    {
        var codes = new byte[65536];
        G711.MuLawEncode(AllInt16(), codes);
        Assert.Equal("90c29de505fb68e766118303bd552a16005dcf810873698bee1d8f3b247ce28c", Convert.ToHexStringLower(SHA256.HashData(codes)));
    }

    [Fact]
    public void ALawEncoderMatchesG191ForEveryInt16()
    {
        var codes = new byte[65536];
        G711.ALawEncode(AllInt16(), codes);
        Assert.Equal("38488f6fd710f4686360edc4d38639f96c491595ef93f8eb8d62d5e07ca6ce7b", Convert.ToHexStringLower(SHA256.HashData(codes)));
    }

    [Fact]
    public void TablesAgreeWithTheReferenceAlgorithmsForEveryInt16()
    {
        for (var x = short.MinValue; ; x++)
        {
            Assert.Equal(G711.MuLawCompressReference(x), G711.MuLawEncode(x));
            Assert.Equal(G711.ALawCompressReference(x), G711.ALawEncode(x));
            if (x == short.MaxValue)
            {
                break;
            }
        }
    }

    [Theory]
    [InlineData(0, 0xFF, 0xD5)]
    [InlineData(1, 0xFF, 0xD5)]
    [InlineData(2, 0xFF, 0xD5)]
    [InlineData(3, 0xFF, 0xD5)]
    [InlineData(-1, 0x7F, 0x55)]
    [InlineData(-2, 0x7F, 0x55)]
    [InlineData(-3, 0x7F, 0x55)]
    [InlineData(4, 0xFE, 0xD5)]
    [InlineData(-4, 0x7F, 0x55)]
    [InlineData(-5, 0x7E, 0x55)]
    [InlineData(-7, 0x7E, 0x55)]
    [InlineData(-8, 0x7E, 0x55)]
    [InlineData(-9, 0x7E, 0x55)]
    [InlineData(15, 0xFD, 0xD5)]
    [InlineData(-15, 0x7D, 0x55)]
    [InlineData(16, 0xFD, 0xD4)]
    [InlineData(-16, 0x7D, 0x55)]
    [InlineData(17, 0xFD, 0xD4)]
    [InlineData(-17, 0x7D, 0x54)]
    [InlineData(100, 0xF2, 0xD3)]
    [InlineData(-100, 0x73, 0x53)]
    [InlineData(1000, 0xCE, 0xFA)]
    [InlineData(-1000, 0x4E, 0x7A)]
    [InlineData(4000, 0xAF, 0x9A)]
    [InlineData(-4000, 0x2F, 0x1A)]
    [InlineData(8000, 0xA0, 0x8A)]
    [InlineData(-8000, 0x20, 0x0A)]
    [InlineData(16000, 0x90, 0xBA)]
    [InlineData(-16000, 0x10, 0x3A)]
    [InlineData(32124, 0x80, 0xAA)]
    [InlineData(32767, 0x80, 0xAA)]
    [InlineData(-32124, 0x00, 0x2A)]
    [InlineData(-32768, 0x00, 0x2A)]
    public void EncodesSpecificSamples(int sample, int mu, int a)
    {
        Assert.Equal((byte)mu, G711.MuLawEncode((short)sample));
        Assert.Equal((byte)a, G711.ALawEncode((short)sample));

        Span<byte> code = stackalloc byte[1];
        G711.MuLawEncode([(short)sample], code);
        Assert.Equal((byte)mu, code[0]);
        G711.ALawEncode([(short)sample], code);
        Assert.Equal((byte)a, code[0]);
    }

    [Fact]
    public void MuLawRoundTripsEveryCodeExceptNegativeZero()
    {
        for (var c = 0; c < 256; c++)
        {
            var back = G711.MuLawEncode(G711.MuLawDecode((byte)c));
            Assert.Equal(c == 0x7F ? 0xFF : c, back);
        }
    }

    [Fact]
    public void ALawRoundTripsEveryCode()
    {
        for (var c = 0; c < 256; c++)
        {
            Assert.Equal(c, G711.ALawEncode(G711.ALawDecode((byte)c)));
        }
    }

    [Fact]
    public void SilenceFramesMatchTheWireForm()
    {
        var mu = new byte[160];
        var a = new byte[160];
        G711.MuLawEncode(new short[160], mu);
        G711.ALawEncode(new short[160], a);

        var muBase64 = Convert.ToBase64String(mu);
        Assert.Equal(216, muBase64.Length);
        Assert.StartsWith("////", muBase64, StringComparison.Ordinal);
        Assert.EndsWith("/w==", muBase64, StringComparison.Ordinal);
        Assert.All(mu, b => Assert.Equal(G711.MuLawSilence, b));

        var aBase64 = Convert.ToBase64String(a);
        Assert.StartsWith("1dXV", aBase64, StringComparison.Ordinal);
        Assert.EndsWith("1Q==", aBase64, StringComparison.Ordinal);
        Assert.All(a, b => Assert.Equal(G711.ALawSilence, b));
    }

    [Fact]
    public void RejectsShortDestinations()
    {
        Assert.Throws<ArgumentException>(() => G711.MuLawDecode(new byte[160], new short[159]));
        Assert.Throws<ArgumentException>(() => G711.MuLawEncode(new short[160], new byte[159]));
        Assert.Throws<ArgumentException>(() => G711.ALawDecode(new byte[160], new short[159]));
        Assert.Throws<ArgumentException>(() => G711.ALawEncode(new short[160], new byte[159]));
    }

    [Fact]
    public void EmptyInputWritesNothing()
    {
        Assert.Equal(0, G711.MuLawDecode([], []));
        Assert.Equal(0, G711.ALawEncode([], []));
    }

    private static byte[] AllCodes() => Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    private static short[] AllInt16() => Enumerable.Range(short.MinValue, 65536).Select(i => (short)i).ToArray();

    private static string Sha256LittleEndian(short[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        }

        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
