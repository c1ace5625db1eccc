using System.Buffers.Binary;

namespace PhoneBridge.Rtc.Rtcp;

/// <summary>The sender information section of an SR (RFC 3550 §6.4.1).</summary>
public readonly record struct RtcpSenderInfo(uint Ssrc, ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    public const int Length = 24;
}

/// <summary>Sender and receiver reports (RFC 3550 §6.4): writers into spans and readers over <see cref="RtcpPacket"/>.</summary>
public static class RtcpReport
{
    public static int SenderReportLength(int blocks) => RtcpPacket.HeaderLength + RtcpSenderInfo.Length + blocks * RtcpReportBlock.Length;

    public static int ReceiverReportLength(int blocks) => RtcpPacket.HeaderLength + 4 + blocks * RtcpReportBlock.Length;

    /// <summary>Writes an SR with up to 31 report blocks; returns its length.</summary>
    public static int WriteSenderReport(Span<byte> destination, in RtcpSenderInfo sender, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        CheckBlocks(blocks);
        int length = SenderReportLength(blocks.Length);
        CheckRoom(destination, length);
        RtcpPacket.WriteHeader(destination, blocks.Length, RtcpPacketType.SenderReport, length);
        Span<byte> body = destination[RtcpPacket.HeaderLength..];
        BinaryPrimitives.WriteUInt32BigEndian(body, sender.Ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(body[4..], sender.NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(body[12..], sender.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(body[16..], sender.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(body[20..], sender.OctetCount);
        WriteBlocks(body[RtcpSenderInfo.Length..], blocks);
        return length;
    }

    /// <summary>Writes an RR with up to 31 report blocks (zero is valid: an empty RR heads a compound); returns its length.</summary>
    public static int WriteReceiverReport(Span<byte> destination, uint ssrc, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        CheckBlocks(blocks);
        int length = ReceiverReportLength(blocks.Length);
        CheckRoom(destination, length);
        RtcpPacket.WriteHeader(destination, blocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[RtcpPacket.HeaderLength..], ssrc);
        WriteBlocks(destination[(RtcpPacket.HeaderLength + 4)..], blocks);
        return length;
    }

    /// <summary>Reads the sender info of an SR; false when the packet is not a complete SR.</summary>
    public static bool TryReadSenderInfo(in RtcpPacket packet, out RtcpSenderInfo sender)
    {
        sender = default;
        ReadOnlySpan<byte> body = packet.Body;
        if (packet.PacketType != RtcpPacketType.SenderReport || body.Length < RtcpSenderInfo.Length + packet.Count * RtcpReportBlock.Length)
        {
            return false;
        }

        sender = new RtcpSenderInfo(
            BinaryPrimitives.ReadUInt32BigEndian(body),
            BinaryPrimitives.ReadUInt64BigEndian(body[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(body[20..]));
        return true;
    }

    /// <summary>Number of complete report blocks in an SR or RR (0 for other packets).</summary>
    public static int ReportBlockCount(in RtcpPacket packet)
    {
        int offset = BlocksOffset(packet);
        if (offset < 0)
        {
            return 0;
        }

        return Math.Min(packet.Count, Math.Max(0, (packet.Body.Length - offset) / RtcpReportBlock.Length));
    }

    public static RtcpReportBlock ReadReportBlock(in RtcpPacket packet, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportBlockCount(packet));
        return RtcpReportBlock.Read(packet.Body[(BlocksOffset(packet) + index * RtcpReportBlock.Length)..]);
    }

    private static int BlocksOffset(in RtcpPacket packet) => packet.PacketType switch
    {
        RtcpPacketType.SenderReport => RtcpSenderInfo.Length,
        RtcpPacketType.ReceiverReport => 4,
        _ => -1,
    };

    private static void WriteBlocks(Span<byte> destination, ReadOnlySpan<RtcpReportBlock> blocks)
    {
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i].Write(destination[(i * RtcpReportBlock.Length)..]);
        }
    }

    private static void CheckBlocks(ReadOnlySpan<RtcpReportBlock> blocks)
    {
        if (blocks.Length > 31)
        {
            throw new ArgumentException("An RTCP report carries at most 31 report blocks.", nameof(blocks));
        }
    }

    internal static void CheckRoom(Span<byte> destination, int length)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"The RTCP packet needs {length} bytes.", nameof(destination));
        }
    }
}
