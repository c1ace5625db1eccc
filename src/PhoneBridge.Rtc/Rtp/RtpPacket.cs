using System.Buffers.Binary;

namespace PhoneBridge.Rtc.Rtp;

/// <summary>
/// A parsed view of one RTP packet over its buffer (RFC 3550 §5.1, RFC 8285). Nothing is copied; the view is valid
/// while the buffer is. Obtain one with <see cref="TryParse"/>, which validates every length first.
/// </summary>
public readonly ref struct RtpPacket
{
    public const ushort OneByteProfile = 0xBEDE;
    public const ushort TwoByteProfileMask = 0xFFF0;
    public const ushort TwoByteProfile = 0x1000;

    private readonly ReadOnlySpan<byte> _packet;

    private RtpPacket(ReadOnlySpan<byte> packet, int headerLength, int extensionOffset, int extensionLength, int paddingLength)
    {
        _packet = packet;
        HeaderLength = headerLength;
        ExtensionOffset = extensionOffset;
        ExtensionLength = extensionLength;
        PaddingLength = paddingLength;
    }

    public bool Marker => (_packet[1] & 0x80) != 0;

    public byte PayloadType => (byte)(_packet[1] & 0x7F);

    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_packet[2..]);

    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_packet[4..]);

    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_packet[8..]);

    public int CsrcCount => _packet[0] & 0x0F;

    /// <summary>Bytes before the payload: fixed header, CSRCs and the header extension.</summary>
    public int HeaderLength { get; }

    /// <summary>Padding bytes at the end (RFC 3550 P bit), already excluded from <see cref="Payload"/>.</summary>
    public int PaddingLength { get; }

    private int ExtensionOffset { get; }

    private int ExtensionLength { get; }

    public bool HasExtension => ExtensionOffset > 0;

    /// <summary>The "defined by profile" field of the header extension, or 0 when there is none.</summary>
    public ushort ExtensionProfile => HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_packet[(ExtensionOffset - 4)..]) : (ushort)0;

    public RtpExtensionFormat ExtensionFormat => !HasExtension ? RtpExtensionFormat.None
        : ExtensionProfile == OneByteProfile ? RtpExtensionFormat.OneByte
        : (ExtensionProfile & TwoByteProfileMask) == TwoByteProfile ? RtpExtensionFormat.TwoByte
        : RtpExtensionFormat.None;

    /// <summary>The raw extension data (after the 4-byte extension header).</summary>
    public ReadOnlySpan<byte> ExtensionData => HasExtension ? _packet.Slice(ExtensionOffset, ExtensionLength) : default;

    public ReadOnlySpan<byte> Payload => _packet[HeaderLength..(_packet.Length - PaddingLength)];

    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_packet[(RtpHeader.FixedLength + 4 * index)..]);
    }

    /// <summary>Iterates the RFC 8285 elements of a one-byte or two-byte header extension.</summary>
    public RtpExtensionEnumerator Extensions => new(ExtensionData, ExtensionFormat);

    /// <summary>Finds the element with <paramref name="id"/> in the header extension.</summary>
    public bool TryGetExtension(int id, out ReadOnlySpan<byte> data)
    {
        foreach (RtpExtensionElement element in Extensions)
        {
            if (element.Id == id)
            {
                data = element.Data;
                return true;
            }
        }

        data = default;
        return false;
    }

    /// <summary>Parses and validates an RTP packet; false for anything that is not a well-formed version 2 packet.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpPacket rtp)
    {
        rtp = default;
        if (packet.Length < RtpHeader.FixedLength || (packet[0] >> 6) != RtpHeader.Version)
        {
            return false;
        }

        int offset = RtpHeader.FixedLength + 4 * (packet[0] & 0x0F);
        int extensionOffset = 0;
        int extensionLength = 0;
        if ((packet[0] & 0x10) != 0)
        {
            if (offset + 4 > packet.Length)
            {
                return false;
            }

            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            extensionOffset = offset + 4;
            offset = extensionOffset + extensionLength;
        }

        if (offset > packet.Length)
        {
            return false;
        }

        int padding = 0;
        if ((packet[0] & 0x20) != 0)
        {
            padding = packet[^1];
            if (padding == 0 || offset + padding > packet.Length)
            {
                return false;
            }
        }

        rtp = new RtpPacket(packet, offset, extensionOffset, extensionLength, padding);
        return true;
    }
}
