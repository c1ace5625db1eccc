using System.Buffers.Binary;
using System.Text;

namespace PhoneBridge.Rtc.Rtcp;

/// <summary>Goodbye packets (RFC 3550 §6.6).</summary>
public static class RtcpBye
{
    public static int Length(int sources, string? reason)
    {
        int length = RtcpPacket.HeaderLength + 4 * sources;
        if (!string.IsNullOrEmpty(reason))
        {
            length += (1 + Encoding.UTF8.GetByteCount(reason) + 3) & ~3;
        }

        return length;
    }

    /// <summary>Writes a BYE for up to 31 sources with an optional reason; returns its length.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<uint> ssrcs, string? reason = null)
    {
        if (ssrcs.Length > 31)
        {
            throw new ArgumentException("A BYE carries at most 31 sources.", nameof(ssrcs));
        }

        int reasonLength = string.IsNullOrEmpty(reason) ? 0 : Encoding.UTF8.GetByteCount(reason);
        if (reasonLength > 255)
        {
            throw new ArgumentException("A BYE reason is at most 255 bytes.", nameof(reason));
        }

        int length = Length(ssrcs.Length, reason);
        RtcpReport.CheckRoom(destination, length);
        destination[..length].Clear();
        RtcpPacket.WriteHeader(destination, ssrcs.Length, RtcpPacketType.Goodbye, length);
        int offset = RtcpPacket.HeaderLength;
        foreach (uint ssrc in ssrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], ssrc);
            offset += 4;
        }

        if (reasonLength > 0)
        {
            destination[offset] = (byte)reasonLength;
            Encoding.UTF8.GetBytes(reason, destination[(offset + 1)..]);
        }

        return length;
    }

    /// <summary>Number of sources listed in a BYE (only those wholly inside the packet).</summary>
    public static int SourceCount(in RtcpPacket packet) =>
        packet.PacketType == RtcpPacketType.Goodbye ? Math.Min(packet.Count, packet.Body.Length / 4) : 0;

    public static uint GetSource(in RtcpPacket packet, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SourceCount(packet));
        return BinaryPrimitives.ReadUInt32BigEndian(packet.Body[(4 * index)..]);
    }

    /// <summary>The optional reason text, or null when absent or malformed.</summary>
    public static string? GetReason(in RtcpPacket packet)
    {
        if (packet.PacketType != RtcpPacketType.Goodbye)
        {
            return null;
        }

        int offset = 4 * packet.Count;
        ReadOnlySpan<byte> body = packet.Body;
        if (offset >= body.Length || offset + 1 + body[offset] > body.Length)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(body.Slice(offset + 1, body[offset]));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
