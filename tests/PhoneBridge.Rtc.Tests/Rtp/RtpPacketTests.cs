using PhoneBridge.Rtc.Rtp;

namespace PhoneBridge.Rtc.Tests.Rtp;

public class RtpPacketTests
{
    // Serialized by aiortc 1.4 (RtpPacket.serialize): Opus, marker, one-byte extensions mid "0" (id 4) and
    // audio level V=1 / 42 dBov (id 1).
    private const string AiortcOpus = "90effffe11223344deadbeefbede0001403010aa010203";

    // aiortc: PCMU with two CSRCs and 3 bytes of padding.
    private const string AiortcPadded = "a2000001000000a0000000010000000700000008ffffffff580603";

    [Fact]
    public void Parse_AiortcOpusPacket_WithOneByteExtensions()
    {
        Assert.True(RtpPacket.TryParse(Convert.FromHexString(AiortcOpus), out RtpPacket p));
        Assert.True(p.Marker);
        Assert.Equal(111, p.PayloadType);
        Assert.Equal(0xfffe, p.SequenceNumber);
        Assert.Equal(0x11223344u, p.Timestamp);
        Assert.Equal(0xdeadbeefu, p.Ssrc);
        Assert.Equal(RtpExtensionFormat.OneByte, p.ExtensionFormat);
        Assert.Equal(20, p.HeaderLength);
        Assert.Equal(new byte[] { 1, 2, 3 }, p.Payload.ToArray());

        Assert.True(p.TryGetExtension(4, out ReadOnlySpan<byte> mid));
        Assert.Equal("0", System.Text.Encoding.ASCII.GetString(mid));
        Assert.True(p.TryGetExtension(1, out ReadOnlySpan<byte> level));
        Assert.Equal((42, true), AudioLevelExtension.Decode(level[0]));
        Assert.False(p.TryGetExtension(2, out _));
    }

    [Fact]
    public void Parse_AiortcPacket_WithCsrcsAndPadding()
    {
        Assert.True(RtpPacket.TryParse(Convert.FromHexString(AiortcPadded), out RtpPacket p));
        Assert.Equal(2, p.CsrcCount);
        Assert.Equal(7u, p.GetCsrc(0));
        Assert.Equal(8u, p.GetCsrc(1));
        Assert.Equal(3, p.PaddingLength);
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff }, p.Payload.ToArray());
        Assert.False(p.HasExtension);
    }

    [Fact]
    public void Writer_ProducesTheSameBytesAsAiortc()
    {
        byte[] buffer = new byte[64];
        var writer = new RtpPacketWriter(buffer, new RtpHeader { Marker = true, PayloadType = 111, SequenceNumber = 0xfffe, Timestamp = 0x11223344, Ssrc = 0xdeadbeef });
        writer.AddExtension(4, "0"u8);
        writer.AddAudioLevel(1, 42, voiceActivity: true);
        new byte[] { 1, 2, 3 }.CopyTo(writer.Payload);
        int length = writer.Complete(3);
        Assert.Equal(AiortcOpus, Convert.ToHexStringLower(buffer, 0, length));
    }

    [Fact]
    public void Writer_TwoByteExtensionsCsrcsAndPadding_RoundTrip()
    {
        byte[] buffer = new byte[128];
        var writer = new RtpPacketWriter(buffer, new RtpHeader { PayloadType = 8, SequenceNumber = 9, Timestamp = 10, Ssrc = 11 });
        writer.AddCsrc(0xAAAA);
        writer.AddExtension(20, new byte[17]);  // id > 14 and 17 bytes: two-byte form
        writer.AddExtension(3, ReadOnlySpan<byte>.Empty);
        Span<byte> payload = writer.Payload;
        payload[..5].Fill(0x77);
        int length = writer.Complete(5, paddingLength: 4);

        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out RtpPacket p));
        Assert.Equal(RtpExtensionFormat.TwoByte, p.ExtensionFormat);
        Assert.Equal(0xAAAAu, p.GetCsrc(0));
        Assert.True(p.TryGetExtension(20, out ReadOnlySpan<byte> big));
        Assert.Equal(17, big.Length);
        Assert.True(p.TryGetExtension(3, out ReadOnlySpan<byte> empty));
        Assert.Equal(0, empty.Length);
        Assert.Equal(4, p.PaddingLength);
        Assert.Equal(new byte[] { 0x77, 0x77, 0x77, 0x77, 0x77 }, p.Payload.ToArray());
    }

    [Fact]
    public void Writer_WithoutExtensions_IsTwelveBytesOfHeader()
    {
        byte[] buffer = new byte[32];
        var writer = new RtpPacketWriter(buffer, new RtpHeader { PayloadType = 0, SequenceNumber = 1, Timestamp = 160, Ssrc = 1 });
        Assert.Equal(12, writer.Complete(0));
        Assert.Equal("800000010000" + "00a000000001", Convert.ToHexStringLower(buffer, 0, 12));
    }

    [Fact]
    public void Writer_RejectsMisuse()
    {
        byte[] buffer = new byte[20];
        Assert.Throws<ArgumentException>(() => new RtpPacketWriter(new byte[11], default));
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new RtpPacketWriter(buffer, default);
            w.AddExtension(1, new byte[2]);
            w.AddExtension(15, new byte[2]);
        });
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new RtpPacketWriter(buffer, default);
            w.Complete(100);
        });
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new RtpPacketWriter(buffer, default);
            w.AddExtension(1, new byte[1]);
            w.AddCsrc(1);
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("8000000100000000000000")]                      // 11 bytes
    [InlineData("400000010000000000000001")]                    // version 1
    [InlineData("8100000100000000000000010000")]                // CSRC past the end
    [InlineData("9000000100000000000000010000")]                // extension header cut
    [InlineData("900000010000000000000001bede0002000000")]      // extension data past the end
    [InlineData("a00000010000000000000001000000")]              // padding byte 0
    [InlineData("a000000100000000000000010000ff")]              // padding longer than payload
    public void Parse_RejectsMalformedPackets(string hex)
    {
        Assert.False(RtpPacket.TryParse(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void OneByteExtension_IdFifteenStopsTheWalk_AndPaddingIsSkipped()
    {
        byte[] packet = Convert.FromHexString("90000001000000000000000" + "1bede0002" + "0010aa00" + "f0201122");
        Assert.True(RtpPacket.TryParse(packet, out RtpPacket p));
        int seen = 0;
        foreach (RtpExtensionElement e in p.Extensions)
        {
            Assert.Equal(1, e.Id);
            seen++;
        }

        Assert.Equal(1, seen);
        Assert.False(p.TryGetExtension(2, out _));
    }

    [Theory]
    [InlineData(0, 127)]
    [InlineData(32767, 3)]
    [InlineData(3277, 23)]
    public void AudioLevel_MeasuresDbovOfASquareWave(short amplitude, int expected)
    {
        short[] samples = new short[160];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(i % 2 == 0 ? amplitude : -amplitude);
        }

        // RFC 6464 measures against a full-scale square wave, so a full-scale square reads 0 dBov; 32767 is
        // one step below full scale (rounds to 0) — but the test grid is coarse on purpose.
        int level = AudioLevelExtension.Measure(samples);
        Assert.InRange(level, Math.Max(0, expected - 3), expected);
    }

    [Fact]
    public void AudioLevel_EncodesVadBitAndClamps()
    {
        Assert.Equal(0xAA, AudioLevelExtension.Encode(42, true));
        Assert.Equal(0x7F, AudioLevelExtension.Encode(300, false));
        Assert.Equal(0x00, AudioLevelExtension.Encode(-5, false));
        Assert.Equal((127, false), AudioLevelExtension.Decode(0x7F));
    }
}
