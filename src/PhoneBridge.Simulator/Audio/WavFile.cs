using System.Buffers.Binary;
using NAudio.Wave;

namespace PhoneBridge.Simulator.Audio;

/// <summary>Mono PCM16 audio read from or written to a RIFF/WAVE file (the RIFF handling is NAudio's).</summary>
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

    public static WavFile Read(string path)
    {
        using var file = File.OpenRead(path);
        return Parse(file);
    }

    public static WavFile Parse(ReadOnlySpan<byte> file)
    {
        using var stream = new MemoryStream(file.ToArray(), writable: false);
        return Parse(stream);
    }

    /// <summary>
    /// Parses 16-bit PCM WAVE (plain or WAVE_FORMAT_EXTENSIBLE) of any rate and channel count;
    /// channels are averaged to mono because the phone carries one. Anything else is an
    /// <see cref="InvalidDataException"/> that says what the file is.
    /// </summary>
    public static WavFile Parse(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            using var reader = new WaveFileReader(file);
            var format = reader.WaveFormat;
            var pcm = format.Encoding == WaveFormatEncoding.Pcm || SubFormat(format) == AudioMediaSubtypes.MEDIASUBTYPE_PCM;
            if (!pcm || format.BitsPerSample != 16)
            {
                throw new InvalidDataException($"Only 16-bit PCM WAVE is supported (format {format.Encoding}, {format.BitsPerSample} bits).");
            }

            if (format.Channels < 1 || format.SampleRate < 1)
            {
                throw new InvalidDataException($"Bad WAVE format: {format.Channels} channels at {format.SampleRate} Hz.");
            }

            // A streamed WAV may declare its data 0 bytes long (written before the length was known): NAudio then
            // reads nothing, but it has left the stream at the start of the data, so take the rest of it.
            using var data = new MemoryStream();
            if (reader.Length > 0)
            {
                reader.CopyTo(data);
            }
            else
            {
                file.CopyTo(data);
            }

            return new WavFile(Downmix(data.GetBuffer().AsSpan(0, (int)data.Length), format.Channels), format.SampleRate);
        }
        catch (Exception ex) when (ex is FormatException or EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException("Not a readable RIFF/WAVE file: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// The sub-format of WAVE_FORMAT_EXTENSIBLE, which NAudio's reader hands over as extra bytes: valid bits (2),
    /// channel mask (4), then the sub-format GUID.
    /// </summary>
    private static Guid? SubFormat(WaveFormat format) =>
        format switch
        {
            WaveFormatExtensible extensible => extensible.SubFormat,
            WaveFormatExtraData { Encoding: WaveFormatEncoding.Extensible, ExtraData: { Length: >= 22 } extra } => new Guid(extra.AsSpan(6, 16)),
            _ => null,
        };

    /// <summary>Averages the channels with integer arithmetic, so mono input comes out bit for bit.</summary>
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

    /// <summary>Writes a canonical 44-byte-header PCM16 mono WAVE; NAudio leaves a caller's stream open.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new WaveFileWriter(stream, new WaveFormat(SampleRate, 16, 1));
        writer.WriteSamples(Samples, 0, Samples.Length);
    }
}
