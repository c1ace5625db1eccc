using PhoneBridge.Rtc.Rtp;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>RTP and RTCP packets as the project's own writers produce them (what a peer like us sends).</summary>
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

        for (int variant = 0; variant < 5; variant++)
        {
            var buffer = new byte[256];
            var header = new RtpHeader { PayloadType = 111, SequenceNumber = (ushort)(1000 + variant), Timestamp = 960u * (uint)variant, Ssrc = 0x1234_5678, Marker = variant == 0 };
            var writer = new RtpPacketWriter(buffer, header);
            if (variant == 1)
            {
                writer.AddCsrc(0xCAFEBABE);
                writer.AddCsrc(0x0BADF00D);
            }

            if (variant is 0 or 2 or 4)
            {
                writer.AddAudioLevel(1, 30, voiceActivity: true);
            }

            if (variant == 2)
            {
                writer.AddExtension(2, [0x12, 0x34, 0x56]);      // abs-send-time
                writer.AddExtension(3, [0x00, 0x07]);            // transport-wide-cc
                writer.AddExtension(4, "0"u8);                    // mid
            }

            if (variant == 3)
            {
                writer.AddExtension(1, [0x9E], twoByte: true);
                writer.AddExtension(4, "audio"u8, twoByte: true);
            }

            opus.CopyTo(writer.Payload);
            seeds.Add(buffer.AsSpan(0, writer.Complete(opus.Length, variant == 4 ? 4 : 0)).ToArray());
        }

        return seeds;
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
