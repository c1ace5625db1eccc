using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Opus;

namespace PhoneBridge.Rtc.Tests.Media;

public sealed class OpusRtpPacketizerTests : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);
    private readonly OpusEncoder _encoder = new(new OpusEncoderOptions { SampleRate = 8000 });
    private readonly byte[] _packet = new byte[OpusRtpPacketizer.MaxPacketSize];

    public void Dispose() => _encoder.Dispose();

    [Fact]
    public void Timestamps_use_the_48_khz_clock_at_an_8_khz_encoder_and_sequence_wraps()
    {
        var p = new OpusRtpPacketizer(_encoder, 0x11223344, 111, initialSequence: 65534, initialTimestamp: uint.MaxValue - 959);
        var tone = TestSignal.Tone(8000, 440, 0.02);
        var seen = new List<(ushort Seq, uint Ts, bool Marker)>();

        for (var i = 0; i < 4; i++)
        {
            var n = p.Packetize(tone, _packet, Tick);
            Assert.True(RtpAudioPacket.TryParse(_packet.AsSpan(0, n), 0, out var rtp));
            Assert.Equal(0x11223344u, rtp.Ssrc);
            Assert.Equal(111, rtp.PayloadType);
            Assert.False(rtp.Payload.IsEmpty);
            seen.Add((rtp.SequenceNumber, rtp.Timestamp, rtp.Marker));
        }

        Assert.Equal([(65534, uint.MaxValue - 959, true), (65535, 0u, false), (0, 960u, false), (1, 1920u, false)], seen);
    }

    [Fact]
    public void A_pause_starts_a_new_talkspurt_with_marker_and_timestamp_jump()
    {
        var p = new OpusRtpPacketizer(_encoder, 1, 111, 0, 0);
        var tone = TestSignal.Tone(8000, 440, 0.02);
        p.Packetize(tone, _packet, Tick);
        p.Packetize(tone, _packet, Tick);

        var n = p.Packetize(tone, _packet, TimeSpan.FromMilliseconds(200));

        Assert.True(RtpAudioPacket.TryParse(_packet.AsSpan(0, n), 0, out var rtp));
        Assert.True(rtp.Marker);
        Assert.Equal(960u + (10 * 960), rtp.Timestamp);
    }

    [Fact]
    public void Audio_level_and_mid_extensions_are_written_and_read_back()
    {
        var p = new OpusRtpPacketizer(_encoder, 1, 111, 0, 0) { AudioLevelExtensionId = 1, MidExtensionId = 4, Mid = "0" };
        var loud = TestSignal.Tone(8000, 440, 0.02, amplitude: 16384);
        var silence = new short[160];

        var n = p.Packetize(loud, _packet, Tick);
        Assert.True(RtpAudioPacket.TryParse(_packet.AsSpan(0, n), 1, out var rtp));
        Assert.Equal(0x10, _packet[0] & 0x10);

        // A sine at half scale has an RMS of −9 dBov.
        Assert.Equal(9, rtp.AudioLevel);
        Assert.Equal(0x80, _packet[17] & 0x80);
        Assert.Equal((4 << 4) | 0, _packet[18]);
        Assert.Equal((byte)'0', _packet[19]);

        n = p.Packetize(silence, _packet, Tick);
        Assert.True(RtpAudioPacket.TryParse(_packet.AsSpan(0, n), 1, out rtp));
        Assert.Equal(127, rtp.AudioLevel);
    }

    [Fact]
    public void Encoded_payload_decodes_back_to_the_signal()
    {
        var p = new OpusRtpPacketizer(_encoder, 1, 111, 0, 0) { AudioLevelExtensionId = 1 };
        using var decoder = new OpusDecoder(8000);
        var input = TestSignal.ToneAndChirp(8000, 0.5);
        var output = new short[input.Length];
        var pcm = new short[decoder.MaxFrameSize];
        for (var i = 0; i < input.Length / 160; i++)
        {
            var n = p.Packetize(input.AsSpan(i * 160, 160), _packet, Tick);
            Assert.True(RtpAudioPacket.TryParse(_packet.AsSpan(0, n), 1, out var rtp));
            Assert.Equal(160, decoder.Decode(rtp.Payload, pcm));
            pcm.AsSpan(0, 160).CopyTo(output.AsSpan(i * 160));
        }

        Assert.True(TestSignal.BestCorrelation(input.AsSpan(800, 2400), output.AsSpan(800), 160).Correlation > 0.9);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80, 0x6F, 0, 1, 0, 0, 0, 1, 0, 0, 0 })]
    [InlineData(new byte[] { 0x40, 0x6F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAA })]
    [InlineData(new byte[] { 0x8F, 0x6F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAA })]
    [InlineData(new byte[] { 0x90, 0x6F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 9 })]
    [InlineData(new byte[] { 0xA0, 0x6F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAA, 0x09 })]
    [InlineData(new byte[] { 0xA0, 0x6F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xAA, 0x00 })]
    public void Malformed_rtp_is_rejected(byte[] packet) =>
        Assert.False(RtpAudioPacket.TryParse(packet, 1, out _));

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool Arbitrary_bytes_never_throw(byte[]? packet, byte id)
    {
        if (RtpAudioPacket.TryParse(packet ?? [], id % 16, out var rtp))
        {
            return rtp.Payload.Length <= packet!.Length - 12 && rtp.AudioLevel <= 127;
        }

        return true;
    }

    [Fact]
    public void Audio_level_of_full_scale_square_is_zero_and_silence_is_127()
    {
        Assert.Equal(0, AudioLevelExtension.Measure([short.MinValue, short.MinValue]));
        Assert.Equal(127, AudioLevelExtension.Measure(new short[160]));
        Assert.Equal(127, AudioLevelExtension.Measure([]));
    }
}
