using System.Buffers.Binary;

namespace PhoneBridge.Simulator.Audio;

/// <summary>Mono PCM16 audio read from or written to a RIFF/WAVE file.</summary>
public sealed class WavFile
{
    public WavFile(short[] samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        Samples = samples;
        SampleRate = sampleRate;
    }

    public short[] Samples { get; }

    public int SampleRate { get; }

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    public static WavFile Read(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>
    /// Parses 16-bit PCM WAVE (plain or WAVE_FORMAT_EXTENSIBLE) of any rate and channel count;
    /// channels are averaged to mono because the phone carries one.
    /// </summary>
    public static WavFile Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }

        int channels = 0, rate = 0, bits = 0;
        var position = 12;
        while (position + 8 <= file.Length)
        {
            var id = file.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(position + 4, 4));
            var bodyStart = position + 8;
            var available = file.Length - bodyStart;
            // Streamed WAVs carry 0 or 0xFFFFFFFF as the data size; take what is there.
            var bodyLength = size > (uint)available ? available : (int)size;
            var body = file.Slice(bodyStart, bodyLength);
            if (id.SequenceEqual("fmt "u8))
            {
                if (body.Length < 16)
                {
                    throw new InvalidDataException("WAVE fmt chunk is too short.");
                }

                var format = BinaryPrimitives.ReadUInt16LittleEndian(body);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
                const ushort Pcm = 1, Extensible = 0xFFFE;
                if (format == Extensible && body.Length >= 26)
                {
                    format = BinaryPrimitives.ReadUInt16LittleEndian(body[24..]);
                }

                if (format != Pcm || bits != 16)
                {
                    throw new InvalidDataException($"Only 16-bit PCM WAVE is supported (format {format}, {bits} bits).");
                }

                if (channels < 1 || rate < 1)
                {
                    throw new InvalidDataException($"Bad WAVE format: {channels} channels at {rate} Hz.");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (channels == 0)
                {
                    throw new InvalidDataException("WAVE data chunk comes before its fmt chunk.");
                }

                return new WavFile(Downmix(body, channels), rate);
            }

            // Chunks are word aligned.
            position = bodyStart + bodyLength + (bodyLength & 1);
        }

        throw new InvalidDataException("WAVE file has no data chunk.");
    }

    private static short[] Downmix(ReadOnlySpan<byte> data, int channels)
    {
        var frames = data.Length / (2 * channels);
        var mono = new short[frames];
        for (var f = 0; f < frames; f++)
        {
            var sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += BinaryPrimitives.ReadInt16LittleEndian(data.Slice(((f * channels) + c) * 2, 2));
            }

            mono[f] = (short)(sum / channels);
        }

        return mono;
    }

    public void Write(string path)
    {
        using var stream = File.Create(path);
        Write(stream);
    }

    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var dataBytes = Samples.Length * 2;
        Span<byte> header = stackalloc byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(header[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(header[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], dataBytes);
        stream.Write(header);

        Span<byte> chunk = stackalloc byte[4096];
        for (var i = 0; i < Samples.Length;)
        {
            var n = Math.Min(chunk.Length / 2, Samples.Length - i);
            for (var k = 0; k < n; k++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(chunk[(k * 2)..], Samples[i + k]);
            }

            stream.Write(chunk[..(n * 2)]);
            i += n;
        }
    }
}
