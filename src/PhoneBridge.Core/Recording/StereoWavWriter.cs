using System.Buffers.Binary;

namespace PhoneBridge.Core.Recording;

/// <summary>
/// A 16-bit stereo PCM WAV file written as it grows: the canonical 44-byte header first, then interleaved frames.
/// <see cref="Commit"/> flushes the samples to the operating system and only then sets the RIFF and data sizes to
/// what was flushed, so whenever the process dies (even <c>kill -9</c>) the header describes whole, present samples
/// and the file plays; anything written after the last commit is an ignored tail.
/// </summary>
internal sealed class StereoWavWriter : IDisposable
{
    public const int HeaderBytes = 44;
    private const int Channels = 2;
    private const int BytesPerSample = 2;

    private readonly Stream _stream;
    private readonly int _frameSamples;
    private readonly byte[] _interleaved;
    private readonly byte[] _size = new byte[4];
    private long _dataBytes;
    private long _committedBytes;

    /// <param name="stream">Seekable and writable, positioned at its start; owned (disposed) by the writer.</param>
    /// <param name="sampleRate">Samples per second of each channel.</param>
    /// <param name="frameSamples">Samples of one frame of one channel; shorter input is padded with silence, longer is cut.</param>
    public StereoWavWriter(Stream stream, int sampleRate, int frameSamples)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSamples);
        _stream = stream;
        _frameSamples = frameSamples;
        _interleaved = new byte[frameSamples * Channels * BytesPerSample];
        SampleRate = sampleRate;
        WriteHeader();
    }

    public int SampleRate { get; }

    /// <summary>Stereo frames written so far (committed or not).</summary>
    public long Frames => _dataBytes / _interleaved.Length;

    /// <summary>Bytes of samples the header counts: those flushed by the last <see cref="Commit"/>.</summary>
    public long CommittedDataBytes => _committedBytes;

    /// <summary>Appends one frame: <paramref name="left"/> and <paramref name="right"/> interleaved sample by sample.</summary>
    public void WriteFrame(ReadOnlySpan<short> left, ReadOnlySpan<short> right)
    {
        var bytes = _interleaved.AsSpan();
        for (var i = 0; i < _frameSamples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes[(i * 4)..], i < left.Length ? left[i] : (short)0);
            BinaryPrimitives.WriteInt16LittleEndian(bytes[((i * 4) + 2)..], i < right.Length ? right[i] : (short)0);
        }

        _stream.Write(bytes);
        _dataBytes += bytes.Length;
    }

    /// <summary>Flushes the frames written so far and makes the header count them.</summary>
    public void Commit()
    {
        if (_committedBytes == _dataBytes)
        {
            return;
        }

        // Samples first, sizes second: a header never counts bytes that are not in the file.
        _stream.Flush();
        var end = _stream.Position;
        WriteSize(4, 36 + _dataBytes);
        WriteSize(40, _dataBytes);
        _stream.Position = end;
        _stream.Flush();
        _committedBytes = _dataBytes;
    }

    public void Dispose() => _stream.Dispose();

    private void WriteHeader()
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 36);
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(SampleRate * Channels * BytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], Channels * BytesPerSample);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], BytesPerSample * 8);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], 0);
        _stream.Write(header);
        _stream.Flush();
    }

    private void WriteSize(long offset, long value)
    {
        // A WAV over 4 GiB (about 37 hours at 8 kHz) keeps counting up to the largest size it can say.
        BinaryPrimitives.WriteUInt32LittleEndian(_size, (uint)Math.Min(value, 0xFFFF_FFF0L));
        _stream.Position = offset;
        _stream.Write(_size);
    }
}
