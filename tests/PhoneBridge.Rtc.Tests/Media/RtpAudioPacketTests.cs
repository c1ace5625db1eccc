using PhoneBridge.Rtc.Media;

namespace PhoneBridge.Rtc.Tests.Media;

/// <summary>The receive path's RTP parser against packets other stacks produce, and the RFC 6464 level helpers.</summary>
public class RtpAudioPacketTests
{
    // Serialized by aiortc 1.4 (RtpPacket.serialize): Opus, marker, one-byte extensions mid "0" (id 4) and
    // audio level V=1 / 42 dBov (id 1).
    private const string AiortcOpus = "90effffe11223344deadbeefbede0001403010aa010203";

    // aiortc: PCMU with two CSRCs and 3 bytes of padding.
    private const string AiortcPadded = "a2000001000000a0000000010000000700000008ffffffff580603";

    // RFC 8285 two-byte form with one CSRC and 4 bytes of padding: an empty element (id 3), then the audio level
    // (id 1, 0xAA = V=1 / 42 dBov), then padding inside the extension block.
    private const string TwoByteWithCsrcAndPadding =
        "b10800090000000a0000000b0000aaaa" + "10000002" + "03000101aa000000" + "7777777777" + "00000004";

    [Fact]
    public void Parse_AiortcOpusPacket_WithOneByteExtensions()
    {
        Assert.True(RtpAudioPacket.TryParse(Convert.FromHexString(AiortcOpus), 1, out var p));
        Assert.True(p.Marker);
        Assert.Equal(111, p.PayloadType);
        Assert.Equal(0xfffe, p.SequenceNumber);
        Assert.Equal(0x11223344u, p.Timestamp);
        Assert.Equal(0xdeadbeefu, p.Ssrc);
        Assert.Equal(new byte[] { 1, 2, 3 }, p.Payload.ToArray());
        Assert.Equal(42, p.AudioLevel);

        // The mid element (id 4) is not the level; an id nobody sent finds nothing; 0 means "not negotiated".
        Assert.True(RtpAudioPacket.TryParse(Convert.FromHexString(AiortcOpus), 2, out p));
        Assert.Equal(-1, p.AudioLevel);
        Assert.True(RtpAudioPacket.TryParse(Convert.FromHexString(AiortcOpus), 0, out p));
        Assert.Equal(-1, p.AudioLevel);
        Assert.Equal(new byte[] { 1, 2, 3 }, p.Payload.ToArray());
    }

    [Fact]
    public void Parse_AiortcPacket_WithCsrcsAndPadding()
    {
        Assert.True(RtpAudioPacket.TryParse(Convert.FromHexString(AiortcPadded), 1, out var p));
        Assert.Equal(0, p.PayloadType);
        Assert.False(p.Marker);
        Assert.Equal(1, p.SequenceNumber);
        Assert.Equal(160u, p.Timestamp);
        Assert.Equal(1u, p.Ssrc);
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff }, p.Payload.ToArray());
        Assert.Equal(-1, p.AudioLevel);
    }

    [Fact]
    public void Parse_TwoByteExtensions_CsrcAndPadding()
    {
        Assert.True(RtpAudioPacket.TryParse(Convert.FromHexString(TwoByteWithCsrcAndPadding), 1, out var p));
        Assert.Equal(8, p.PayloadType);
        Assert.Equal(9, p.SequenceNumber);
        Assert.Equal(10u, p.Timestamp);
        Assert.Equal(11u, p.Ssrc);
        Assert.Equal(42, p.AudioLevel);
        Assert.Equal(new byte[] { 0x77, 0x77, 0x77, 0x77, 0x77 }, p.Payload.ToArray());
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
        Assert.False(RtpAudioPacket.TryParse(Convert.FromHexString(hex), 1, out _));
    }

    [Fact]
    public void OneByteExtension_IdFifteenStopsTheWalk_AndPaddingIsSkipped()
    {
        // Elements: padding, id 1 = 0xAA, padding, id 15 (stop), then bytes that would read as id 2 = 0x11.
        byte[] packet = Convert.FromHexString("90000001000000000000000" + "1bede0002" + "0010aa00" + "f0201122");
        Assert.True(RtpAudioPacket.TryParse(packet, 1, out var p));
        Assert.Equal(42, p.AudioLevel);
        Assert.True(RtpAudioPacket.TryParse(packet, 2, out p));
        Assert.Equal(-1, p.AudioLevel);
        Assert.True(p.Payload.IsEmpty);
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

    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public bool Parser_NeverThrows_AndStaysInsideThePacket(byte[] data, bool forceVersion2, byte id)
    {
        if (forceVersion2 && data.Length > 0)
        {
            data[0] = (byte)(0x80 | (data[0] & 0x3F));
        }

        if (RtpAudioPacket.TryParse(data, id % 16, out var p))
        {
            return data.Length >= 12 && p.Payload.Length <= data.Length - 12 && p.AudioLevel is >= -1 and <= 127;
        }

        return true;
    }
}
