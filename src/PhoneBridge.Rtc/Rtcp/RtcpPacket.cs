using System.Buffers.Binary;

namespace PhoneBridge.Rtc.Rtcp;

/// <summary>One RTCP packet inside a compound packet (RFC 3550 §6.4), as a view over the buffer.</summary>
public readonly ref struct RtcpPacket
{
    public const int HeaderLength = 4;

    internal RtcpPacket(ReadOnlySpan<byte> packet, int paddingLength)
    {
        Raw = packet;
        PaddingLength = paddingLength;
    }

    /// <summary>The whole packet, header and padding included.</summary>
    public ReadOnlySpan<byte> Raw { get; }

    public int PaddingLength { get; }

    public byte PacketType => Raw[1];

    /// <summary>The 5-bit count field: report count, source count or feedback message type.</summary>
    public int Count => Raw[0] & 0x1F;

    /// <summary>Everything after the 4-byte header, padding removed.</summary>
    public ReadOnlySpan<byte> Body => Raw[HeaderLength..(Raw.Length - PaddingLength)];

    /// <summary>The first SSRC of the body (packet sender for SR/RR/feedback), or 0 when there is none.</summary>
    public uint Ssrc => Body.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Body) : 0;

    /// <summary>Writes the 4-byte common header; <paramref name="totalLength"/> must be a multiple of 4.</summary>
    internal static void WriteHeader(Span<byte> destination, int count, byte packetType, int totalLength)
    {
        destination[0] = (byte)(0x80 | (count & 0x1F));
        destination[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(totalLength / 4 - 1));
    }
}

/// <summary>
/// Walks the packets of a compound RTCP datagram. Stops at the first malformed packet and reports it through
/// <see cref="IsMalformed"/>, so a bad tail never hides the good head.
/// </summary>
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;
    private RtcpPacket _current;

    public RtcpCompoundReader(ReadOnlySpan<byte> compound)
    {
        _data = compound;
        _offset = 0;
        _current = default;
        IsMalformed = false;
    }

    public bool IsMalformed { get; private set; }

    public readonly RtcpPacket Current => _current;

    public readonly RtcpCompoundReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_offset >= _data.Length || IsMalformed)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = _data[_offset..];
        if (rest.Length < RtcpPacket.HeaderLength || (rest[0] >> 6) != 2)
        {
            IsMalformed = true;
            return false;
        }

        int length = 4 * (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) + 1);
        if (length > rest.Length)
        {
            IsMalformed = true;
            return false;
        }

        ReadOnlySpan<byte> packet = rest[..length];
        int padding = 0;
        if ((packet[0] & 0x20) != 0)
        {
            padding = packet[^1];
            if (padding == 0 || padding > length - RtcpPacket.HeaderLength)
            {
                IsMalformed = true;
                return false;
            }
        }

        _current = new RtcpPacket(packet, padding);
        _offset += length;
        return true;
    }
}
