using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PhoneBridge.Rtc.Stun;

/// <summary>
/// A validated, zero-copy view of one STUN message (RFC 8489). Parsing checks the header and that every
/// attribute fits, so the accessors never read out of bounds. Attributes after MESSAGE-INTEGRITY other than
/// FINGERPRINT are ignored, as RFC 8489 §14.5 requires.
/// </summary>
public readonly ref struct StunMessage
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    internal const uint FingerprintXor = 0x5354554E;
    internal const int MessageIntegrityLength = 20;

    private readonly int _integrityOffset;
    private readonly int _fingerprintOffset;

    private StunMessage(ReadOnlySpan<byte> data, StunMethod method, StunClass cls, StunTransactionId id, int integrityOffset, int fingerprintOffset)
    {
        Raw = data;
        Method = method;
        Class = cls;
        TransactionId = id;
        _integrityOffset = integrityOffset;
        _fingerprintOffset = fingerprintOffset;
    }

    /// <summary>The whole message as received.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    public StunMethod Method { get; }

    public StunClass Class { get; }

    public StunTransactionId TransactionId { get; }

    public bool HasMessageIntegrity => _integrityOffset >= 0;

    public bool HasFingerprint => _fingerprintOffset >= 0;

    /// <summary>
    /// Cheap RFC 7983 demultiplexing test: first byte 0–3, the magic cookie, and a 4-byte aligned length that
    /// matches the datagram.
    /// </summary>
    public static bool IsStun(ReadOnlySpan<byte> data) =>
        data.Length >= HeaderLength
        && data[0] < 4
        && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == MagicCookie
        && BinaryPrimitives.ReadUInt16BigEndian(data[2..]) + HeaderLength == data.Length;

    /// <summary>Parses <paramref name="data"/> (exactly one datagram); never throws.</summary>
    public static StunParseResult TryParse(ReadOnlySpan<byte> data, out StunMessage message)
    {
        message = default;
        if (data.Length < HeaderLength)
        {
            return StunParseResult.TooShort;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(data);
        if ((type & 0xC000) != 0)
        {
            return StunParseResult.NotStun;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != MagicCookie)
        {
            return StunParseResult.BadMagicCookie;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if ((length & 3) != 0 || length + HeaderLength != data.Length)
        {
            return StunParseResult.LengthMismatch;
        }

        var integrityOffset = -1;
        var fingerprintOffset = -1;
        var offset = HeaderLength;
        while (offset < data.Length)
        {
            if (fingerprintOffset >= 0)
            {
                return StunParseResult.AttributeAfterFingerprint;
            }

            if (data.Length - offset < 4)
            {
                return StunParseResult.TruncatedAttribute;
            }

            var attrType = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            var attrLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            var padded = (attrLength + 3) & ~3;
            if (padded > data.Length - offset - 4)
            {
                return StunParseResult.TruncatedAttribute;
            }

            if (attrType == StunAttributeType.MessageIntegrity && integrityOffset < 0)
            {
                if (attrLength != MessageIntegrityLength)
                {
                    return StunParseResult.TruncatedAttribute;
                }

                integrityOffset = offset;
            }
            else if (attrType == StunAttributeType.Fingerprint)
            {
                if (attrLength != 4)
                {
                    return StunParseResult.TruncatedAttribute;
                }

                fingerprintOffset = offset;
            }

            offset += 4 + padded;
        }

        var method = (StunMethod)((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
        var cls = (StunClass)(((type & 0x0010) >> 4) | ((type & 0x0100) >> 7));
        message = new StunMessage(data, method, cls, StunTransactionId.Read(data[8..]), integrityOffset, fingerprintOffset);
        return StunParseResult.Ok;
    }

    /// <summary>Enumerates the attributes a receiver must consider (those before MESSAGE-INTEGRITY, plus it).</summary>
    public StunAttributeEnumerator GetAttributes() =>
        new(Raw[..(_integrityOffset >= 0 ? _integrityOffset + 4 + MessageIntegrityLength : _fingerprintOffset >= 0 ? _fingerprintOffset : Raw.Length)]);

    /// <summary>The value of the first attribute of <paramref name="type"/>, if present.</summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        if (type == StunAttributeType.Fingerprint && _fingerprintOffset >= 0)
        {
            value = Raw.Slice(_fingerprintOffset + 4, 4);
            return true;
        }

        foreach (var attribute in GetAttributes())
        {
            if (attribute.Type == type)
            {
                value = attribute.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    public bool HasAttribute(ushort type) => TryGetAttribute(type, out _);

    /// <summary>The first comprehension-required attribute not in <paramref name="known"/>, or 0 when there is none.</summary>
    public ushort FindUnknownComprehensionRequired(ReadOnlySpan<ushort> known)
    {
        foreach (var attribute in GetAttributes())
        {
            if (StunAttributeType.IsComprehensionRequired(attribute.Type) && !known.Contains(attribute.Type))
            {
                return attribute.Type;
            }
        }

        return 0;
    }

    public bool TryGetUInt32(ushort type, out uint value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var raw) || raw.Length != 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(raw);
        return true;
    }

    public bool TryGetUInt64(ushort type, out ulong value)
    {
        value = 0;
        if (!TryGetAttribute(type, out var raw) || raw.Length != 8)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(raw);
        return true;
    }

    /// <summary>A UTF-8 text attribute (USERNAME, REALM, NONCE, SOFTWARE); invalid UTF-8 is a failure.</summary>
    public bool TryGetString(ushort type, out string value)
    {
        value = string.Empty;
        if (!TryGetAttribute(type, out var raw))
        {
            return false;
        }

        try
        {
            value = StrictUtf8.GetString(raw);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>ERROR-CODE (RFC 8489 §14.8): class × 100 + number, and the reason phrase.</summary>
    public bool TryGetErrorCode(out int code, out string reason)
    {
        code = 0;
        reason = string.Empty;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var raw) || raw.Length < 4)
        {
            return false;
        }

        var cls = raw[2] & 0x07;
        var number = raw[3];
        if (cls < 3 || cls > 6 || number > 99)
        {
            return false;
        }

        code = (cls * 100) + number;
        try
        {
            reason = StrictUtf8.GetString(raw[4..]);
        }
        catch (DecoderFallbackException)
        {
            reason = string.Empty;
        }

        return true;
    }

    /// <summary>An XOR-encoded address attribute (XOR-MAPPED-ADDRESS, XOR-PEER-ADDRESS, XOR-RELAYED-ADDRESS).</summary>
    public bool TryGetXorAddress(ushort type, out IPEndPoint endPoint)
    {
        endPoint = null!;
        return TryGetAttribute(type, out var raw) && StunAddressCodec.TryReadXor(raw, Raw.Slice(4, 16), out endPoint);
    }

    /// <summary>A plain address attribute (MAPPED-ADDRESS, ALTERNATE-SERVER).</summary>
    public bool TryGetAddress(ushort type, out IPEndPoint endPoint)
    {
        endPoint = null!;
        return TryGetAttribute(type, out var raw) && StunAddressCodec.TryRead(raw, out endPoint);
    }

    /// <summary>True when FINGERPRINT is present and matches (RFC 8489 §14.7).</summary>
    public bool VerifyFingerprint()
    {
        if (_fingerprintOffset < 0)
        {
            return false;
        }

        // FINGERPRINT is always last, so the length field already covers it.
        var expected = BinaryPrimitives.ReadUInt32BigEndian(Raw[(_fingerprintOffset + 4)..]);
        return (Crc32.HashToUInt32(Raw[.._fingerprintOffset]) ^ FingerprintXor) == expected;
    }

    /// <summary>
    /// True when MESSAGE-INTEGRITY is present and is the HMAC-SHA1 of the message under <paramref name="key"/>
    /// (short-term: the password; long-term: MD5(user:realm:password)). Compared in constant time.
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityOffset < 0)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MessageIntegrityLength];
        ComputeIntegrity(Raw[.._integrityOffset], key, mac);
        return CryptographicOperations.FixedTimeEquals(mac, Raw.Slice(_integrityOffset + 4, MessageIntegrityLength));
    }

    /// <summary>HMAC-SHA1 over <paramref name="prefix"/> with its length field patched to end after the MESSAGE-INTEGRITY attribute.</summary>
    internal static void ComputeIntegrity(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key, Span<byte> mac)
    {
        byte[]? rented = null;
        var copy = prefix.Length <= 1024 ? stackalloc byte[prefix.Length] : (rented = ArrayPool<byte>.Shared.Rent(prefix.Length)).AsSpan(0, prefix.Length);
        try
        {
            prefix.CopyTo(copy);
            BinaryPrimitives.WriteUInt16BigEndian(copy[2..], (ushort)(prefix.Length - HeaderLength + 4 + MessageIntegrityLength));
            HMACSHA1.HashData(key, copy, mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
