using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;

namespace PhoneBridge.Rtc.Stun;

/// <summary>
/// Builds a STUN message in place into a caller-provided buffer. Add attributes in order, then
/// MESSAGE-INTEGRITY, then FINGERPRINT; <see cref="Length"/> is the finished message size.
/// </summary>
public ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    public StunMessageWriter(Span<byte> buffer, StunMethod method, StunClass cls, StunTransactionId transactionId)
    {
        if (buffer.Length < StunMessage.HeaderLength)
        {
            throw new ArgumentException("Buffer too small for a STUN header.", nameof(buffer));
        }

        _buffer = buffer;
        var m = (int)method;
        var c = (int)cls;
        var type = (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7);
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessage.MagicCookie);
        transactionId.Write(buffer[8..]);
        _length = StunMessage.HeaderLength;
        PaddingByte = 0;
    }

    /// <summary>Bytes written so far (the whole message once finished).</summary>
    public readonly int Length => _length;

    /// <summary>The value used to pad attributes to 4 bytes; receivers ignore it (RFC 5769 vectors use 0x20).</summary>
    internal byte PaddingByte { get; set; }

    public void AddAttribute(ushort type, scoped ReadOnlySpan<byte> value)
    {
        var valueSpan = Reserve(type, value.Length);
        value.CopyTo(valueSpan);
    }

    public void AddFlag(ushort type) => Reserve(type, 0);

    public void AddUInt32(ushort type, uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(type, 4), value);

    public void AddUInt64(ushort type, ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(type, 8), value);

    public void AddString(ushort type, string value)
    {
        var byteCount = StunMessage.StrictUtf8.GetByteCount(value);
        StunMessage.StrictUtf8.GetBytes(value, Reserve(type, byteCount));
    }

    public void AddXorAddress(ushort type, IPEndPoint endPoint)
    {
        var span = Reserve(type, StunAddressCodec.EncodedLength(endPoint));
        StunAddressCodec.Write(span, endPoint, _buffer.Slice(4, 16));
    }

    public void AddAddress(ushort type, IPEndPoint endPoint)
    {
        var span = Reserve(type, StunAddressCodec.EncodedLength(endPoint));
        StunAddressCodec.Write(span, endPoint, default);
    }

    public void AddErrorCode(int code, string reason)
    {
        if (code < 300 || code > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "STUN error codes are 300–699.");
        }

        var reasonLength = StunMessage.StrictUtf8.GetByteCount(reason);
        var span = Reserve(StunAttributeType.ErrorCode, 4 + reasonLength);
        span[0] = 0;
        span[1] = 0;
        span[2] = (byte)(code / 100);
        span[3] = (byte)(code % 100);
        StunMessage.StrictUtf8.GetBytes(reason, span[4..]);
    }

    /// <summary>Appends MESSAGE-INTEGRITY (HMAC-SHA1 under <paramref name="key"/>).</summary>
    public void AddMessageIntegrity(scoped ReadOnlySpan<byte> key)
    {
        var start = _length;
        var mac = Reserve(StunAttributeType.MessageIntegrity, StunMessage.MessageIntegrityLength);
        StunMessage.ComputeIntegrity(_buffer[..start], key, mac);
    }

    /// <summary>Appends FINGERPRINT; must be the last attribute.</summary>
    public void AddFingerprint()
    {
        var start = _length;
        var value = Reserve(StunAttributeType.Fingerprint, 4);
        BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.HashToUInt32(_buffer[..start]) ^ StunMessage.FingerprintXor);
    }

    private Span<byte> Reserve(ushort type, int valueLength)
    {
        if (valueLength > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(valueLength), valueLength, "STUN attribute value too long.");
        }

        var padded = (valueLength + 3) & ~3;
        if (_length + 4 + padded > _buffer.Length)
        {
            throw new InvalidOperationException($"STUN message does not fit its {_buffer.Length}-byte buffer.");
        }

        var attribute = _buffer.Slice(_length, 4 + padded);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute[2..], (ushort)valueLength);
        attribute[(4 + valueLength)..].Fill(PaddingByte);
        _length += 4 + padded;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunMessage.HeaderLength));
        return attribute.Slice(4, valueLength);
    }
}
