using PhoneBridge.Audio;

namespace PhoneBridge.Audio.Tests;

public class L16Tests
{
    [Fact]
    public void DecodesNetworkByteOrder()
    {
        byte[] wire = [0x00, 0x01, 0x7F, 0xFF, 0x80, 0x00, 0xFF, 0xFE, 0x12, 0x34];
        var pcm = new short[5];
        Assert.Equal(5, L16.DecodeBigEndian(wire, pcm));
        Assert.Equal(new short[] { 1, short.MaxValue, short.MinValue, -2, 0x1234 }, pcm);
    }

    [Fact]
    public void EncodesNetworkByteOrder()
    {
        short[] pcm = [1, short.MaxValue, short.MinValue, -2, 0x1234];
        var wire = new byte[10];
        Assert.Equal(10, L16.EncodeBigEndian(pcm, wire));
        Assert.Equal(new byte[] { 0x00, 0x01, 0x7F, 0xFF, 0x80, 0x00, 0xFF, 0xFE, 0x12, 0x34 }, wire);
    }

    [Fact]
    public void RoundTripsEveryInt16IncludingUnalignedBuffers()
    {
        var pcm = Enumerable.Range(short.MinValue, 65536).Select(i => (short)i).ToArray();
        var wire = new byte[(pcm.Length * 2) + 1];
        L16.EncodeBigEndian(pcm, wire.AsSpan(1));
        for (var i = 0; i < pcm.Length; i++)
        {
            Assert.Equal(pcm[i], (short)((wire[1 + (2 * i)] << 8) | wire[2 + (2 * i)]));
        }

        var back = new short[pcm.Length];
        Assert.Equal(pcm.Length, L16.DecodeBigEndian(wire.AsSpan(1), back));
        Assert.Equal(pcm, back);
    }

    [Fact]
    public void RejectsOddPayloadsAndShortDestinations()
    {
        Assert.Throws<ArgumentException>(() => L16.DecodeBigEndian(new byte[3], new short[2]));
        Assert.Throws<ArgumentException>(() => L16.DecodeBigEndian(new byte[4], new short[1]));
        Assert.Throws<ArgumentException>(() => L16.EncodeBigEndian(new short[2], new byte[3]));
    }
}
