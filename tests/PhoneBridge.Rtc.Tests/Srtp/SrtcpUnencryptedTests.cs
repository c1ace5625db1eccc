using System.Buffers.Binary;
using System.Security.Cryptography;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Tests.Srtp;

/// <summary>SRTCP with the E flag clear (authenticated, not encrypted) is legal (RFC 3711 §3.4, RFC 7714 §9.2) and must be accepted.</summary>
public class SrtcpUnencryptedTests
{
    private static readonly byte[] Rtcp = Convert.FromHexString("81c90007" + "12345678" + "cafebabe" + "00000001" + "0000ffff" + "00000010" + "00000000" + "00000000");
    private static readonly byte[] MasterKey = Enumerable.Range(10, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] MasterSalt = Enumerable.Range(40, 14).Select(i => (byte)i).ToArray();

    private static SrtpSession Receiver(SrtpProfile profile)
    {
        int s = profile.MasterSaltLength();
        return SrtpSession.Create(profile, new byte[16], new byte[s], MasterKey, MasterSalt.AsSpan(0, s));
    }

    [Fact]
    public void AesCm_UnencryptedSrtcp_IsAuthenticatedAndAccepted()
    {
        byte[] authKey = new byte[20];
        SrtpKeyDerivation.Derive(MasterKey, MasterSalt, SrtpKeyDerivation.RtcpAuthentication, authKey);
        byte[] wire = new byte[Rtcp.Length + 4 + 10];
        Rtcp.CopyTo(wire, 0);
        BinaryPrimitives.WriteUInt32BigEndian(wire.AsSpan(Rtcp.Length), 7); // E = 0, index 7
        HMACSHA1.HashData(authKey, wire.AsSpan(0, Rtcp.Length + 4)).AsSpan(0, 10).CopyTo(wire.AsSpan(Rtcp.Length + 4));

        using var receiver = Receiver(SrtpProfile.AesCm128HmacSha1_80);
        byte[] tampered = (byte[])wire.Clone();
        tampered[9] ^= 1;
        Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtcp(tampered, tampered.Length, out _));
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(wire, wire.Length, out int plain));
        Assert.Equal(Rtcp, wire[..plain]);
    }

    [Fact]
    public void Gcm_UnencryptedSrtcp_IsAuthenticatedAndAccepted()
    {
        byte[] key = new byte[16];
        byte[] salt = new byte[12];
        SrtpKeyDerivation.Derive(MasterKey, MasterSalt.AsSpan(0, 12), SrtpKeyDerivation.RtcpEncryption, key);
        SrtpKeyDerivation.Derive(MasterKey, MasterSalt.AsSpan(0, 12), SrtpKeyDerivation.RtcpSalt, salt);
        using var transform = new AeadAesGcmTransform(key, salt);
        byte[] nonce = new byte[12];
        transform.BuildRtcpNonce(0x12345678, 7, nonce);

        byte[] word = [0, 0, 0, 7];
        byte[] tag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, [.. Rtcp, .. word]);
        }

        byte[] wire = [.. Rtcp, .. tag, .. word];
        using var receiver = Receiver(SrtpProfile.AeadAes128Gcm);
        byte[] tampered = (byte[])wire.Clone();
        tampered[12] ^= 1;
        Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtcp(tampered, tampered.Length, out _));
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(wire, wire.Length, out int plain));
        Assert.Equal(Rtcp, wire[..plain]);
    }
}
