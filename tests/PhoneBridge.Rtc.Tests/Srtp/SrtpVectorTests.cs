using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Tests.Srtp;

/// <summary>Published test vectors: RFC 3711 Appendix B.2/B.3 and RFC 7714 §16-17.</summary>
public class SrtpVectorTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void AesCmKeystream_MatchesRfc3711AppendixB2()
    {
        using var aes = new AesCounterMode(Hex("2B7E151628AED2A6ABF7158809CF4F3C"));
        byte[] stream = new byte[65282 * 16];
        aes.Generate(Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), stream);

        Assert.Equal(Hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0"), stream[..48]);
        Assert.Equal(Hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE 6A2CC3787889374FBEB4C81B17BA6C44"), stream[^48..]);
    }

    [Fact]
    public void AesCmIv_IsSaltWithSsrcAndIndex_RFC3711Section4_1_1()
    {
        byte[] salt = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
        using var transform = new AesCmHmacSha1Transform(new byte[16], salt, new byte[20]);
        Span<byte> iv = stackalloc byte[16];

        transform.BuildIv(0, 0, iv);
        Assert.Equal(Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), iv.ToArray());

        transform.BuildIv(0x11223344, (0xAABBCCDDUL << 16) | 0xEEFF, iv);
        Assert.Equal(Hex("F0F1F2F3 E5D7C5B3 524236261202 0000"), iv.ToArray());
    }

    [Fact]
    public void KeyDerivation_MatchesRfc3711AppendixB3()
    {
        byte[] masterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        byte[] auth = new byte[94];

        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpEncryption, key);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpSalt, salt);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpAuthentication, auth);

        Assert.Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"), key);
        Assert.Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"), salt);
        Assert.Equal(Hex(
            "CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE E049646C43D9327AD175578EF7227098" +
            "6371C10C9A369AC2F94A8C5FBCDDDC25 6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2"), auth);
    }

    // RFC 7714 §16: key 00..0f, salt "Quid pro quo", payload "Gallia est omnis divisa in partes tres".
    private const string GcmKey = "000102030405060708090a0b0c0d0e0f";
    private const string GcmSalt = "517569642070726f2071756f";
    private const string GcmRtp = "8040f17b8041f8d35501a0b247616c6c6961206573742" + "06f6d6e697320646976697361" + "20696e207061727465732074726573";
    private const string GcmSrtp =
        "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";
    private const string GcmRtcp = "81c8000d4d6172734e5450314e5450325254502000000" + "42a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
    private const string GcmSrtcp =
        "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4";

    [Fact]
    public void GcmNonces_MatchRfc7714()
    {
        using var gcm = new AeadAesGcmTransform(Hex(GcmKey), Hex(GcmSalt));
        Span<byte> nonce = stackalloc byte[12];
        gcm.BuildRtpNonce(0x5501a0b2, 0xf17b, nonce);
        Assert.Equal(Hex("51753c6580c2726f20718414"), nonce.ToArray());
        gcm.BuildRtcpNonce(0x4d617273, 0x5d4, nonce);
        Assert.Equal(Hex("517524055203726f207170bb"), nonce.ToArray());
    }

    [Fact]
    public void GcmRtp_MatchesRfc7714Section16()
    {
        using var gcm = new AeadAesGcmTransform(Hex(GcmKey), Hex(GcmSalt));
        byte[] plain = Hex(GcmRtp);
        byte[] buffer = new byte[plain.Length + 16];
        plain.CopyTo(buffer, 0);

        int length = gcm.ProtectRtp(buffer, plain.Length, 12, 0x5501a0b2, 0xf17b);
        Assert.Equal(Hex(GcmSrtp), buffer[..length]);

        Assert.True(gcm.UnprotectRtp(buffer, length, 12, 0x5501a0b2, 0xf17b));
        Assert.Equal(plain, buffer[..plain.Length]);
    }

    [Fact]
    public void GcmRtp_RejectsTamperedVectorAndWrongRoc()
    {
        using var gcm = new AeadAesGcmTransform(Hex(GcmKey), Hex(GcmSalt));
        byte[] wire = Hex(GcmSrtp);
        Assert.False(gcm.UnprotectRtp((byte[])wire.Clone(), wire.Length, 12, 0x5501a0b2, (1UL << 16) | 0xf17b));
        wire[20] ^= 1;
        Assert.False(gcm.UnprotectRtp(wire, wire.Length, 12, 0x5501a0b2, 0xf17b));
    }

    [Fact]
    public void GcmRtcp_MatchesRfc7714Section17()
    {
        using var gcm = new AeadAesGcmTransform(Hex(GcmKey), Hex(GcmSalt));
        byte[] plain = Hex(GcmRtcp);
        byte[] buffer = new byte[plain.Length + 20];
        plain.CopyTo(buffer, 0);

        int length = gcm.ProtectRtcp(buffer, plain.Length, 0x4d617273, 0x5d4);
        Assert.Equal(Hex(GcmSrtcp), buffer[..length]);

        Assert.Equal(plain.Length, gcm.UnprotectRtcp(buffer, length, 0x4d617273, 0x5d4, encrypted: true));
        Assert.Equal(plain, buffer[..plain.Length]);
    }

    [Fact]
    public void GcmRtcp_RejectsTamperedVectorAndAlteredIndex()
    {
        using var gcm = new AeadAesGcmTransform(Hex(GcmKey), Hex(GcmSalt));
        byte[] wire = Hex(GcmSrtcp);
        Assert.Equal(-1, gcm.UnprotectRtcp((byte[])wire.Clone(), wire.Length, 0x4d617273, 0x5d5, encrypted: true));
        wire[30] ^= 8;
        Assert.Equal(-1, gcm.UnprotectRtcp(wire, wire.Length, 0x4d617273, 0x5d4, encrypted: true));
    }
}
