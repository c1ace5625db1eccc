using System.Collections.Concurrent;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using PhoneBridge.Audio;
using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Core.Bridge.Hold;

/// <summary>
/// The hold audio of this instance: either the built-in chime or a decoded WAV file, kept as mono PCM16 at each
/// phone rate so that a call only gets a new <see cref="HoldAudioSource"/> (a position) over shared samples.
/// </summary>
public sealed class HoldAudio
{
    /// <summary>Longest hold file accepted: it is kept in memory at every phone rate.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    // The rates phones use, resampled once at load; others (48 kHz) on first use.
    private static readonly int[] PhoneRates = [8000, 16000];

    private readonly float[]? _mono;
    private readonly int _fileRate;
    private readonly ConcurrentDictionary<int, short[]> _byRate = new();

    private HoldAudio(string? file, float[]? mono, int fileRate)
    {
        File = file;
        _mono = mono;
        _fileRate = fileRate;
        if (mono is not null)
        {
            foreach (var rate in PhoneRates)
            {
                _byRate[rate] = Resample(rate);
            }
        }
    }

    /// <summary>The built-in chime (<see cref="HoldAudioSource.Chime"/>).</summary>
    public static HoldAudio Chime { get; } = new(null, null, 0);

    /// <summary>The file played, or null for the chime.</summary>
    public string? File { get; }

    /// <summary>The length of the file's loop, or zero for the chime.</summary>
    public TimeSpan Duration => _mono is null ? TimeSpan.Zero : TimeSpan.FromSeconds((double)_mono.Length / _fileRate);

    /// <summary>
    /// Decodes <paramref name="path"/> (a WAV file). Throws <see cref="InvalidDataException"/> with a message naming
    /// the file and what is wrong with it when it is missing, unreadable, not a WAV file, empty or too long.
    /// </summary>
    public static HoldAudio Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!System.IO.File.Exists(path))
        {
            throw new InvalidDataException($"{HoldAudioOptions.SectionName}:AudioFile: '{path}' does not exist.");
        }

        try
        {
            using var reader = new WaveFileReader(path);
            var format = reader.WaveFormat;
            if (reader.TotalTime > MaxDuration)
            {
                throw new InvalidDataException(
                    $"{HoldAudioOptions.SectionName}:AudioFile: '{path}' lasts {reader.TotalTime:g}, more than the {MaxDuration:g} accepted.");
            }

            var mono = ReadMono(reader);
            if (mono.Length == 0)
            {
                throw new InvalidDataException($"{HoldAudioOptions.SectionName}:AudioFile: '{path}' holds no audio.");
            }

            return new HoldAudio(path, mono, format.SampleRate);
        }
        catch (InvalidDataException)
        {
            throw;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidDataException(
                $"{HoldAudioOptions.SectionName}:AudioFile: '{path}' is not a readable PCM, IEEE-float or G.711 WAV file ({ex.Message}).", ex);
        }
    }

    // The file's audio, its channels averaged, as floats in [-1, 1]; G.711 (which NAudio's sample providers do not
    // take, and telephony hold music often is) through the bridge's own decoder.
    private static float[] ReadMono(WaveFileReader reader)
    {
        var format = reader.WaveFormat;
        var channels = format.Channels;
        var mono = new float[reader.Length / Math.Max(1, format.BlockAlign)];
        var count = 0;
        var block = new float[4096 * channels];
        if (format.Encoding is WaveFormatEncoding.MuLaw or WaveFormatEncoding.ALaw)
        {
            var bytes = new byte[block.Length];
            var pcm = new short[block.Length];
            int read;
            while ((read = reader.Read(bytes)) > 0)
            {
                var decoded = format.Encoding == WaveFormatEncoding.MuLaw
                    ? G711.MuLawDecode(bytes.AsSpan(0, read), pcm)
                    : G711.ALawDecode(bytes.AsSpan(0, read), pcm);
                for (var i = 0; i < decoded; i++)
                {
                    block[i] = pcm[i] / 32768f;
                }

                count = Downmix(block.AsSpan(0, decoded), channels, mono, count);
            }
        }
        else
        {
            var samples = reader.ToSampleProvider();
            int read;
            while ((read = samples.Read(block)) > 0)
            {
                count = Downmix(block.AsSpan(0, read), channels, mono, count);
            }
        }

        return count == mono.Length ? mono : mono[..count];
    }

    private static int Downmix(ReadOnlySpan<float> interleaved, int channels, float[] mono, int count)
    {
        for (var i = 0; i + channels <= interleaved.Length && count < mono.Length; i += channels)
        {
            float sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += interleaved[i + c];
            }

            mono[count++] = sum / channels;
        }

        return count;
    }

    /// <summary>A new loop over this audio at <paramref name="sampleRate"/> (8000, 16000 or 48000), from its start.</summary>
    public HoldAudioSource CreateSource(int sampleRate)
    {
        if (_mono is null)
        {
            return HoldAudioSource.Chime(sampleRate);
        }

        if (sampleRate is not (8000 or 16000 or 48000))
        {
            throw new ArgumentException($"The sample rate must be 8000, 16000 or 48000 Hz, got {sampleRate}.", nameof(sampleRate));
        }

        return new HoldAudioSource(_byRate.GetOrAdd(sampleRate, Resample));
    }

    private short[] Resample(int rate)
    {
        var mono = _mono!;
        ISampleProvider source = new FloatSamples(mono, _fileRate);
        if (rate != _fileRate)
        {
            source = new WdlResamplingSampleProvider(source, rate);
        }

        var output = new List<short>((int)((long)mono.Length * rate / _fileRate) + 1024);
        var block = new float[4096];
        int read;
        while ((read = source.Read(block)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                output.Add((short)Math.Clamp(Math.Round(block[i] * 32767f), short.MinValue, short.MaxValue));
            }
        }

        // A file shorter than the resampler's latency yields nothing: keep at least one sample so the loop exists.
        return output.Count > 0 ? [.. output] : [0];
    }

    private sealed class FloatSamples(float[] samples, int rate) : ISampleProvider
    {
        private int _position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(rate, 1);

        public int Read(Span<float> buffer)
        {
            var take = Math.Min(buffer.Length, samples.Length - _position);
            samples.AsSpan(_position, take).CopyTo(buffer);
            _position += take;
            return take;
        }
    }
}
