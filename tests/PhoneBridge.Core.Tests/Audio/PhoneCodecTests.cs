using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Audio;

public class PhoneCodecTests
{
    [Theory]
    [InlineData(PhoneEncoding.MuLaw, 1, new byte[] { 0x80, 0x7F }, new short[] { 32124, 0 })]
    [InlineData(PhoneEncoding.ALaw, 1, new byte[] { 0xAA, 0x55 }, new short[] { 32256, -8 })]
    [InlineData(PhoneEncoding.L16, 2, new byte[] { 0x12, 0x34, 0xFF, 0xFE }, new short[] { 0x1234, -2 })]
    public void DecodesEachEncoding(PhoneEncoding encoding, int bytesPerSample, byte[] payload, short[] expected)
    {
        Assert.Equal(bytesPerSample, PhoneCodec.BytesPerSample(encoding));
        var pcm = new short[expected.Length];
        Assert.Equal(expected.Length, PhoneCodec.Decode(encoding, payload, pcm));
        Assert.Equal(expected, pcm);
    }

    [Theory]
    [InlineData(PhoneEncoding.MuLaw, new short[] { 1000, -1000 }, new byte[] { 0xCE, 0x4E })]
    [InlineData(PhoneEncoding.ALaw, new short[] { 1000, -1000 }, new byte[] { 0xFA, 0x7A })]
    [InlineData(PhoneEncoding.L16, new short[] { 0x1234, -2 }, new byte[] { 0x12, 0x34, 0xFF, 0xFE })]
    public void EncodesEachEncoding(PhoneEncoding encoding, short[] pcm, byte[] expected)
    {
        var payload = new byte[expected.Length];
        Assert.Equal(expected.Length, PhoneCodec.Encode(encoding, pcm, payload));
        Assert.Equal(expected, payload);
    }

    [Fact]
    public void RejectsUnknownEncodings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PhoneCodec.BytesPerSample((PhoneEncoding)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => PhoneCodec.Decode((PhoneEncoding)42, [], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => PhoneCodec.Encode((PhoneEncoding)42, [], []));
    }
}
