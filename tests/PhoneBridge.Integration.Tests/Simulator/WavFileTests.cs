using System.Buffers.Binary;
using PhoneBridge.Simulator.Audio;

namespace PhoneBridge.Integration.Tests.Simulator;

public class WavFileTests
{
    [Fact]
    public void WrittenFileReadsBack()
    {
        var wav = new WavFile([0, 1, -1, short.MaxValue, short.MinValue], 8000);
        using var stream = new MemoryStream();
        wav.Write(stream);

        var read = WavFile.Parse(stream.ToArray());

        Assert.Equal(8000, read.SampleRate);
        Assert.Equal(wav.Samples, read.Samples);
        Assert.Equal(44 + 10, stream.Length);
    }

    [Fact]
    public void StereoIsAveragedToMonoAndUnknownChunksAreSkipped()
    {
        var file = Build(channels: 2, rate: 16000, bits: 16, extraChunk: true, samples: [100, 300, -50, -150]);
        var wav = WavFile.Parse(file);
        Assert.Equal(16000, wav.SampleRate);
        Assert.Equal(new short[] { 200, -100 }, wav.Samples);
    }

    [Fact]
    public void EightBitIsRefusedClearly()
    {
        var error = Assert.Throws<InvalidDataException>(() => WavFile.Parse(Build(1, 8000, 8, false, [0, 0])));
        Assert.Contains("16-bit PCM", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    public void StreamedFilesWithoutADataSizeReadWhatIsThere(uint dataSize)
    {
        var file = Build(channels: 1, rate: 8000, bits: 16, extraChunk: false, samples: [1, 2, 3, 4]);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(40), dataSize);

        Assert.Equal(new short[] { 1, 2, 3, 4 }, WavFile.Parse(file).Samples);
    }

    [Fact]
    public void ExtensiblePcmIsRead()
    {
        var wav = new WavFile([5, -5, 7], 48000);
        using var plain = new MemoryStream();
        wav.Write(plain);
        var bytes = plain.ToArray();
        // Rewrite the fmt chunk as WAVE_FORMAT_EXTENSIBLE (40 bytes) with the PCM sub-format.
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(0);
        writer.Write("WAVEfmt "u8);
        writer.Write(40);
        writer.Write((ushort)0xFFFE);
        writer.Write(bytes.AsSpan(22, 14));
        writer.Write((short)22);
        writer.Write((short)16);
        writer.Write(4); // front centre
        writer.Write(new Guid("00000001-0000-0010-8000-00aa00389b71").ToByteArray());
        writer.Write(bytes.AsSpan(36));
        var file = stream.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), file.Length - 8);

        var read = WavFile.Parse(file);

        Assert.Equal(48000, read.SampleRate);
        Assert.Equal(wav.Samples, read.Samples);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'A', (byte)'V', (byte)'E' })]
    public void GarbageIsRefused(byte[] file) => Assert.Throws<InvalidDataException>(() => WavFile.Parse(file));

    private static byte[] Build(int channels, int rate, int bits, bool extraChunk, short[] samples)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(0);
        writer.Write("WAVE"u8);
        if (extraChunk)
        {
            writer.Write("LIST"u8);
            writer.Write(3);
            writer.Write(new byte[] { 1, 2, 3, 0 }); // odd size plus its pad byte
        }

        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)channels);
        writer.Write(rate);
        writer.Write(rate * channels * bits / 8);
        writer.Write((short)(channels * bits / 8));
        writer.Write((short)bits);
        writer.Write("data"u8);
        writer.Write(samples.Length * 2);
        foreach (var s in samples)
        {
            writer.Write(s);
        }

        var bytes = stream.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }
}
