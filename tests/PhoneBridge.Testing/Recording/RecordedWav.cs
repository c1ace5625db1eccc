using System.Buffers.Binary;

namespace PhoneBridge.Testing.Recording;

/// <summary>
/// A call recording read back: the header's fields as written and the samples of each channel that the header
/// counts. Reads only the canonical 44-byte layout the recorder writes, and fails on anything else.
/// </summary>
public sealed class RecordedWav
{
    private RecordedWav(int channels, int sampleRate, int bitsPerSample, long riffSize, long dataSize, long fileLength, short[] left, short[] right)
    {
        Channels = channels;
        SampleRate = sampleRate;
        BitsPerSample = bitsPerSample;
        RiffSize = riffSize;
        DataSize = dataSize;
        FileLength = fileLength;
        Left = left;
        Right = right;
    }

    public int Channels { get; }

    public int SampleRate { get; }

    public int BitsPerSample { get; }

    public long RiffSize { get; }

    public long DataSize { get; }

    public long FileLength { get; }

    public short[] Left { get; }

    public short[] Right { get; }

    /// <summary>True when the sizes agree with each other and the header counts no byte that is not in the file.</summary>
    public bool HeaderIsConsistent => RiffSize == 36 + DataSize && 44 + DataSize <= FileLength && DataSize % 4 == 0;

    public static RecordedWav Read(string path) => Parse(File.ReadAllBytes(path));

    public static RecordedWav Parse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 44 || !bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !bytes.AsSpan(8, 4).SequenceEqual("WAVE"u8)
            || !bytes.AsSpan(12, 4).SequenceEqual("fmt "u8) || !bytes.AsSpan(36, 4).SequenceEqual("data"u8))
        {
            throw new InvalidDataException("Not the canonical 44-byte WAV header.");
        }

        var header = bytes.AsSpan();
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(header[22..]);
        var rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(header[34..]);
        var riff = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var data = BinaryPrimitives.ReadUInt32LittleEndian(header[40..]);
        var frames = (int)(Math.Min(data, bytes.Length - 44) / 4);
        var left = new short[frames];
        var right = new short[frames];
        for (var i = 0; i < frames; i++)
        {
            left[i] = BinaryPrimitives.ReadInt16LittleEndian(header[(44 + (i * 4))..]);
            right[i] = BinaryPrimitives.ReadInt16LittleEndian(header[(46 + (i * 4))..]);
        }

        return new RecordedWav(channels, rate, bits, riff, data, bytes.Length, left, right);
    }
}
