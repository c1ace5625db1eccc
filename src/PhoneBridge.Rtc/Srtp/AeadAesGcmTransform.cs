using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PhoneBridge.Rtc.Srtp;

/// <summary>AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): 12-byte IV from SSRC/index XOR salt, 16-byte tag.</summary>
internal sealed class AeadAesGcmTransform : SrtpTransform
{
    public const int NonceLength = 12;
    private const int Tag = 16;
    private const int IndexLength = 4;
    private const int RtcpHeaderLength = 8;

    private readonly AesGcm _gcm;
    private readonly byte[] _salt;

    public AeadAesGcmTransform(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> sessionSalt)
    {
        if (sessionSalt.Length != NonceLength)
        {
            throw new ArgumentException("AES-GCM needs a 12-byte session salt.", nameof(sessionSalt));
        }

        _gcm = new AesGcm(sessionKey, Tag);
        _salt = sessionSalt.ToArray();
    }

    public override int TagLength => Tag;

    public override int ProtectRtp(Span<byte> packet, int length, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpNonce(ssrc, index, nonce);
        Span<byte> payload = packet[headerLength..length];
        _gcm.Encrypt(nonce, payload, payload, packet.Slice(length, Tag), packet[..headerLength]);
        return length + Tag;
    }

    public override bool UnprotectRtp(Span<byte> packet, int length, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpNonce(ssrc, index, nonce);
        int end = length - Tag;
        Span<byte> payload = packet[headerLength..end];
        try
        {
            _gcm.Decrypt(nonce, payload, packet.Slice(end, Tag), payload, packet[..headerLength]);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpNonce(ssrc, index, nonce);
        uint word = 0x8000_0000u | index;
        Span<byte> aad = stackalloc byte[RtcpHeaderLength + IndexLength];
        packet[..RtcpHeaderLength].CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], word);
        Span<byte> payload = packet[RtcpHeaderLength..length];
        _gcm.Encrypt(nonce, payload, payload, packet.Slice(length, Tag), aad);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(length + Tag)..], word);
        return length + Tag + IndexLength;
    }

    public override int RtcpIndexOffset(int length) => length - IndexLength;

    public override int UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpNonce(ssrc, index, nonce);
        int wordOffset = length - IndexLength;
        int end = wordOffset - Tag;
        ReadOnlySpan<byte> tag = packet.Slice(end, Tag);
        try
        {
            if (encrypted)
            {
                Span<byte> aad = stackalloc byte[RtcpHeaderLength + IndexLength];
                packet[..RtcpHeaderLength].CopyTo(aad);
                packet.Slice(wordOffset, IndexLength).CopyTo(aad[RtcpHeaderLength..]);
                Span<byte> payload = packet[RtcpHeaderLength..end];
                _gcm.Decrypt(nonce, payload, tag, payload, aad);
            }
            else
            {
                // Unencrypted SRTCP (RFC 7714 §9.2): packet and index word are the associated data but are not
                // contiguous on the wire, so they are joined in a pooled buffer (rare: peers encrypt SRTCP).
                int aadLength = end + IndexLength;
                byte[] aad = ArrayPool<byte>.Shared.Rent(aadLength);
                try
                {
                    packet[..end].CopyTo(aad);
                    packet.Slice(wordOffset, IndexLength).CopyTo(aad.AsSpan(end));
                    _gcm.Decrypt(nonce, ReadOnlySpan<byte>.Empty, tag, Span<byte>.Empty, aad.AsSpan(0, aadLength));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(aad);
                }
            }

            return end;
        }
        catch (AuthenticationTagMismatchException)
        {
            return -1;
        }
    }

    /// <summary>IV = (00 00 || SSRC || ROC || SEQ) XOR salt (RFC 7714 §8.1).</summary>
    internal void BuildRtpNonce(uint ssrc, ulong index, Span<byte> nonce)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], (ushort)index);
        XorSalt(nonce);
    }

    /// <summary>IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt (RFC 7714 §9.1).</summary>
    internal void BuildRtcpNonce(uint ssrc, uint index, Span<byte> nonce)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        nonce[6] = 0;
        nonce[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index & 0x7FFF_FFFF);
        XorSalt(nonce);
    }

    private void XorSalt(Span<byte> nonce)
    {
        for (int i = 0; i < NonceLength; i++)
        {
            nonce[i] ^= _salt[i];
        }
    }

    public override void Dispose()
    {
        _gcm.Dispose();
        CryptographicOperations.ZeroMemory(_salt);
    }
}
