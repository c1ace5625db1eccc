using System.Buffers.Binary;
using System.Text;

namespace PhoneBridge.Rtc.Rtcp;

/// <summary>Source description packets (RFC 3550 §6.5), limited to what WebRTC uses: one CNAME chunk.</summary>
public static class RtcpSdes
{
    public const byte EndItem = 0;
    public const byte CnameItem = 1;

    public static int CnameLength(string cname)
    {
        int itemLength = 2 + Encoding.UTF8.GetByteCount(cname);
        return RtcpPacket.HeaderLength + ((4 + itemLength + 1 + 3) & ~3);
    }

    /// <summary>Writes an SDES packet with one chunk holding CNAME for <paramref name="ssrc"/>; returns its length.</summary>
    public static int WriteCname(Span<byte> destination, uint ssrc, string cname)
    {
        ArgumentNullException.ThrowIfNull(cname);
        int textLength = Encoding.UTF8.GetByteCount(cname);
        if (textLength is 0 or > 255)
        {
            throw new ArgumentException("A CNAME is 1..255 bytes.", nameof(cname));
        }

        int length = CnameLength(cname);
        RtcpReport.CheckRoom(destination, length);
        RtcpPacket.WriteHeader(destination, 1, RtcpPacketType.SourceDescription, length);
        Span<byte> chunk = destination[RtcpPacket.HeaderLength..length];
        chunk.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(chunk, ssrc);
        chunk[4] = CnameItem;
        chunk[5] = (byte)textLength;
        Encoding.UTF8.GetBytes(cname, chunk[6..]);

        // The zero bytes after the item are the END item and the padding to a 32-bit boundary.
        return length;
    }

    /// <summary>Finds the CNAME of <paramref name="ssrc"/> in an SDES packet.</summary>
    public static bool TryGetCname(in RtcpPacket packet, uint ssrc, out string cname)
    {
        cname = string.Empty;
        if (packet.PacketType != RtcpPacketType.SourceDescription)
        {
            return false;
        }

        ReadOnlySpan<byte> body = packet.Body;
        int offset = 0;
        for (int chunk = 0; chunk < packet.Count; chunk++)
        {
            if (offset + 4 > body.Length)
            {
                return false;
            }

            uint chunkSsrc = BinaryPrimitives.ReadUInt32BigEndian(body[offset..]);
            offset += 4;
            while (true)
            {
                if (offset >= body.Length)
                {
                    return false;
                }

                byte type = body[offset];
                if (type == EndItem)
                {
                    // The chunk ends with one or more zero bytes up to the next 32-bit boundary.
                    offset = (offset + 4) & ~3;
                    break;
                }

                if (offset + 2 > body.Length || offset + 2 + body[offset + 1] > body.Length)
                {
                    return false;
                }

                int length = body[offset + 1];
                if (type == CnameItem && chunkSsrc == ssrc)
                {
                    try
                    {
                        cname = new UTF8Encoding(false, true).GetString(body.Slice(offset + 2, length));
                    }
                    catch (DecoderFallbackException)
                    {
                        return false;
                    }

                    return true;
                }

                offset += 2 + length;
            }
        }

        return false;
    }
}
