using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PhoneBridge.Audio;

/// <summary>Linear 16-bit PCM in network byte order (big-endian), as RFC 3551 L16 carries it.</summary>
public static class L16
{
    /// <summary>
    /// Decodes big-endian L16 bytes to PCM16. <paramref name="src"/> must hold whole samples.
    /// Returns the number of samples written (<c>src.Length / 2</c>).
    /// </summary>
    public static int DecodeBigEndian(ReadOnlySpan<byte> src, Span<short> dst)
    {
        if ((src.Length & 1) != 0)
        {
            throw new ArgumentException($"L16 payload has an odd length ({src.Length} bytes).", nameof(src));
        }

        var count = src.Length / 2;
        if (dst.Length < count)
        {
            throw new ArgumentException($"Destination holds {dst.Length} samples but {count} are needed.", nameof(dst));
        }

        var source = MemoryMarshal.Cast<byte, short>(src);
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(source, dst[..count]);
        }
        else
        {
            source.CopyTo(dst);
        }

        return count;
    }

    /// <summary>Encodes PCM16 as big-endian L16 bytes. Returns the number of bytes written (<c>src.Length * 2</c>).</summary>
    public static int EncodeBigEndian(ReadOnlySpan<short> src, Span<byte> dst)
    {
        var bytes = src.Length * 2;
        if (dst.Length < bytes)
        {
            throw new ArgumentException($"Destination holds {dst.Length} bytes but {bytes} are needed.", nameof(dst));
        }

        var target = MemoryMarshal.Cast<byte, short>(dst[..bytes]);
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(src, target);
        }
        else
        {
            src.CopyTo(target);
        }

        return bytes;
    }
}
