using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PhoneBridge.Rtc.Srtp;

/// <summary>AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1): AES counter mode and an 80-bit HMAC-SHA1 tag.</summary>
internal sealed class AesCmHmacSha1Transform : SrtpTransform
{
    public const int AuthKeyLength = 20;
    private const int Tag = 10;
    private const int IndexLength = 4;

    private readonly AesCounterMode _aes;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _salt;

    public AesCmHmacSha1Transform(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> sessionSalt, ReadOnlySpan<byte> authKey)
    {
        if (sessionSalt.Length != 14)
        {
            throw new ArgumentException("AES-CM needs a 14-byte session salt.", nameof(sessionSalt));
        }

        _aes = new AesCounterMode(sessionKey);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey);
        _salt = sessionSalt.ToArray();
    }

    public override int TagLength => Tag;

    public override int ProtectRtp(Span<byte> packet, int length, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[16];
        BuildIv(ssrc, index, iv);
        _aes.Apply(iv, packet[headerLength..length]);
        ComputeRtpTag(packet[..length], (uint)(index >> 16), packet.Slice(length, Tag));
        return length + Tag;
    }

    public override bool UnprotectRtp(Span<byte> packet, int length, int headerLength, uint ssrc, ulong index)
    {
        int end = length - Tag;
        Span<byte> tag = stackalloc byte[Tag];
        ComputeRtpTag(packet[..end], (uint)(index >> 16), tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet.Slice(end, Tag)))
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[16];
        BuildIv(ssrc, index, iv);
        _aes.Apply(iv, packet[headerLength..end]);
        return true;
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[16];
        BuildIv(ssrc, index, iv);
        _aes.Apply(iv, packet[8..length]);
        BinaryPrimitives.WriteUInt32BigEndian(packet[length..], 0x8000_0000u | index);
        int authenticated = length + IndexLength;
        ComputeTag(packet[..authenticated], packet.Slice(authenticated, Tag));
        return authenticated + Tag;
    }

    public override int RtcpIndexOffset(int length) => length - Tag - IndexLength;

    public override int UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted)
    {
        int authenticated = length - Tag;
        Span<byte> tag = stackalloc byte[Tag];
        ComputeTag(packet[..authenticated], tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet.Slice(authenticated, Tag)))
        {
            return -1;
        }

        int end = authenticated - IndexLength;
        if (encrypted)
        {
            Span<byte> iv = stackalloc byte[16];
            BuildIv(ssrc, index, iv);
            _aes.Apply(iv, packet[8..end]);
        }

        return end;
    }

    /// <summary>IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16) (RFC 3711 §4.1.1).</summary>
    internal void BuildIv(uint ssrc, ulong index, Span<byte> iv)
    {
        _salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        Span<byte> field = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(field, ssrc);
        Xor(iv.Slice(4, 4), field[..4]);
        BinaryPrimitives.WriteUInt64BigEndian(field, index << 16);
        Xor(iv.Slice(8, 6), field[..6]);
    }

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> value)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] ^= value[i];
        }
    }

    private void ComputeRtpTag(ReadOnlySpan<byte> authenticated, uint roc, Span<byte> tag)
    {
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        _hmac.AppendData(authenticated);
        _hmac.AppendData(rocBytes);
        Finish(tag);
    }

    private void ComputeTag(ReadOnlySpan<byte> authenticated, Span<byte> tag)
    {
        _hmac.AppendData(authenticated);
        Finish(tag);
    }

    private void Finish(Span<byte> tag)
    {
        Span<byte> full = stackalloc byte[20];
        _hmac.GetHashAndReset(full);
        full[..Tag].CopyTo(tag);
    }

    public override void Dispose()
    {
        _aes.Dispose();
        _hmac.Dispose();
        CryptographicOperations.ZeroMemory(_salt);
    }
}
