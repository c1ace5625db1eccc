using System.Buffers.Binary;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Rtcp;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// RTP packets of the shapes WebRTC peers send (CSRCs, padding, one- and two-byte header extensions), and RTCP as the
/// project's own writers produce it.
/// </summary>
internal static class RtpSeeds
{
    public static List<byte[]> Rtp()
    {
        var seeds = new List<byte[]>();
        var opus = new byte[80];
        opus[0] = 0x78; // TOC: CELT FB 20 ms, one frame
        for (int i = 1; i < opus.Length; i++)
        {
            opus[i] = (byte)((i * 37) ^ 0x5A);
        }

        byte level = AudioLevelExtension.Encode(30, voiceActivity: true);
        seeds.Add(Packet(0, marker: true, [], OneByte([1, level]), opus, 0));
        seeds.Add(Packet(1, marker: false, [0xCAFEBABE, 0x0BADF00D], [], opus, 0));
        seeds.Add(Packet(2, marker: false, [], OneByte(
            [1, level],
            [2, 0x12, 0x34, 0x56],      // abs-send-time
            [3, 0x00, 0x07],            // transport-wide-cc
            [4, (byte)'0']), opus, 0)); // mid
        seeds.Add(Packet(3, marker: false, [], TwoByte([1, 0x9E], [4, .. "audio"u8]), opus, 0));
        seeds.Add(Packet(4, marker: false, [], OneByte([1, level]), opus, 4));
        return seeds;
    }

    /// <summary>An RTP packet (RFC 3550 §5.1): extension is the whole header extension block (profile, length, data).</summary>
    private static byte[] Packet(int variant, bool marker, uint[] csrcs, byte[] extension, byte[] payload, int padding)
    {
        var packet = new byte[12 + (4 * csrcs.Length) + extension.Length + payload.Length + padding];
        packet[0] = (byte)(0x80 | (padding > 0 ? 0x20 : 0) | (extension.Length > 0 ? 0x10 : 0) | csrcs.Length);
        packet[1] = (byte)((marker ? 0x80 : 0) | 111);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(1000 + variant));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 960u * (uint)variant);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 0x1234_5678);
        var offset = 12;
        foreach (var csrc in csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(offset), csrc);
            offset += 4;
        }

        extension.CopyTo(packet, offset);
        payload.CopyTo(packet, offset + extension.Length);
        if (padding > 0)
        {
            packet[^1] = (byte)padding;
        }

        return packet;
    }

    /// <summary>RFC 8285 one-byte form; each element is its id followed by its data.</summary>
    private static byte[] OneByte(params byte[][] elements) =>
        Extension(0xBEDE, [.. elements.SelectMany(e => (byte[])[(byte)((e[0] << 4) | (e.Length - 2)), .. e[1..]])]);

    /// <summary>RFC 8285 two-byte form; each element is its id followed by its data.</summary>
    private static byte[] TwoByte(params byte[][] elements) =>
        Extension(0x1000, [.. elements.SelectMany(e => (byte[])[e[0], (byte)(e.Length - 1), .. e[1..]])]);

    private static byte[] Extension(ushort profile, byte[] data)
    {
        var words = (data.Length + 3) / 4;
        var block = new byte[4 + (words * 4)];
        BinaryPrimitives.WriteUInt16BigEndian(block, profile);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(2), (ushort)words);
        data.CopyTo(block, 4);
        return block;
    }

    public static List<byte[]> Rtcp()
    {
        var seeds = new List<byte[]>();
        var buffer = new byte[1024];
        var block = new RtcpReportBlock(0x1234_5678, 12, 3, 70000, 42, 0x89AB_CDEF, 6553);
        int n = RtcpReport.WriteSenderReport(buffer, new RtcpSenderInfo(0xDEAD_BEEF, 0xE3F1_2345_6789_ABCDUL, 96000, 100, 8000), [block]);
        n += RtcpSdes.WriteCname(buffer.AsSpan(n), 0xDEAD_BEEF, "5f0d1c2e-phonebridge");
        seeds.Add(buffer.AsSpan(0, n).ToArray());

        n = RtcpReport.WriteReceiverReport(buffer, 0xDEAD_BEEF, [block, block with { Ssrc = 7 }]);
        n += RtcpSdes.WriteCname(buffer.AsSpan(n), 0xDEAD_BEEF, "{a7d5b0c3-2b4e-4f1a-9c8d-6e5f4a3b2c1d}");
        seeds.Add(buffer.AsSpan(0, n).ToArray());

        n = RtcpReport.WriteReceiverReport(buffer, 0xDEAD_BEEF, []);
        n += RtcpBye.Write(buffer.AsSpan(n), [0xDEAD_BEEF, 0x1234_5678], "call ended");
        seeds.Add(buffer.AsSpan(0, n).ToArray());
        return seeds;
    }
}
