using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PhoneBridge.Audio;

/// <summary>
/// ITU-T G.711 μ-law and A-law on 16-bit left-justified PCM, bit-exact with the ITU-T G.191 STL
/// reference (<c>ulaw_compress</c>/<c>ulaw_expand</c>/<c>alaw_compress</c>/<c>alaw_expand</c>).
/// </summary>
/// <remarks>
/// Every direction is a table lookup. The G.191 encoders only look at the sample's top bits
/// (μ-law: <c>x &gt;&gt; 2</c>, A-law: <c>x &gt;&gt; 4</c>; the one's complement they take for
/// negatives commutes with the arithmetic shift), so a 16 K-entry and a 4 K-entry table hold the
/// complete encoders. The tables are built once from the reference algorithms below, which keeps them
/// auditable against the standard instead of being opaque literals.
/// </remarks>
public static class G711
{
    private static readonly short[] MuLawDecodeTable = BuildMuLawDecodeTable();
    private static readonly short[] ALawDecodeTable = BuildALawDecodeTable();
    private static readonly byte[] MuLawEncodeTable = BuildMuLawEncodeTable();
    private static readonly byte[] ALawEncodeTable = BuildALawEncodeTable();

    /// <summary>Code for μ-law silence (+0).</summary>
    public const byte MuLawSilence = 0xFF;

    /// <summary>Code for A-law silence (+8, A-law has no exact zero).</summary>
    public const byte ALawSilence = 0xD5;

    /// <summary>Decodes μ-law codes to PCM16. Returns the number of samples written (<c>src.Length</c>).</summary>
    public static int MuLawDecode(ReadOnlySpan<byte> src, Span<short> dst)
    {
        EnsureRoom(src.Length, dst.Length);
        Lookup(MuLawDecodeTable, src, dst);
        return src.Length;
    }

    /// <summary>Encodes PCM16 to μ-law codes. Returns the number of codes written (<c>src.Length</c>).</summary>
    public static int MuLawEncode(ReadOnlySpan<short> src, Span<byte> dst)
    {
        EnsureRoom(src.Length, dst.Length);
        Lookup(MuLawEncodeTable, 2, src, dst);
        return src.Length;
    }

    /// <summary>Decodes A-law codes to PCM16. Returns the number of samples written (<c>src.Length</c>).</summary>
    public static int ALawDecode(ReadOnlySpan<byte> src, Span<short> dst)
    {
        EnsureRoom(src.Length, dst.Length);
        Lookup(ALawDecodeTable, src, dst);
        return src.Length;
    }

    /// <summary>Encodes PCM16 to A-law codes. Returns the number of codes written (<c>src.Length</c>).</summary>
    public static int ALawEncode(ReadOnlySpan<short> src, Span<byte> dst)
    {
        EnsureRoom(src.Length, dst.Length);
        Lookup(ALawEncodeTable, 4, src, dst);
        return src.Length;
    }

    /// <summary>Decodes one μ-law code.</summary>
    public static short MuLawDecode(byte code) => MuLawDecodeTable[code];

    /// <summary>Encodes one PCM16 sample to μ-law.</summary>
    public static byte MuLawEncode(short sample) => MuLawEncodeTable[(ushort)sample >> 2];

    /// <summary>Decodes one A-law code.</summary>
    public static short ALawDecode(byte code) => ALawDecodeTable[code];

    /// <summary>Encodes one PCM16 sample to A-law.</summary>
    public static byte ALawEncode(short sample) => ALawEncodeTable[(ushort)sample >> 4];

    // The indexes cannot leave the tables (a byte into 256 entries; the top 14 or 12 bits of a
    // 16-bit sample into 2^14 or 2^12 entries), so the per-sample bounds checks are skipped.
    private static void Lookup(short[] table, ReadOnlySpan<byte> src, Span<short> dst)
    {
        ref var t = ref MemoryMarshal.GetArrayDataReference(table);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        for (nint i = 0; i < src.Length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref t, Unsafe.Add(ref s, i));
        }
    }

    private static void Lookup(byte[] table, int shift, ReadOnlySpan<short> src, Span<byte> dst)
    {
        ref var t = ref MemoryMarshal.GetArrayDataReference(table);
        ref var s = ref MemoryMarshal.GetReference(src);
        ref var d = ref MemoryMarshal.GetReference(dst);
        for (nint i = 0; i < src.Length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref t, (ushort)Unsafe.Add(ref s, i) >> shift);
        }
    }

    private static void EnsureRoom(int needed, int available)
    {
        if (available < needed)
        {
            throw new ArgumentException($"Destination holds {available} samples but {needed} are needed.", "dst");
        }
    }

    // G.191 ulaw_expand.
    internal static short MuLawExpandReference(byte code)
    {
        var sign = code < 0x80 ? -1 : 1;
        var mantissa = ~code;
        var exponent = (mantissa >> 4) & 0x7;
        var segment = exponent + 1;
        mantissa &= 0xF;
        var step = 4 << segment;
        return (short)(sign * ((0x80 << exponent) + (step * mantissa) + (step / 2) - (4 * 33)));
    }

    // G.191 alaw_expand.
    internal static short ALawExpandReference(byte code)
    {
        var ix = (code ^ 0x55) & 0x7F;
        var exponent = ix >> 4;
        var mantissa = ix & 0xF;
        if (exponent > 0)
        {
            mantissa += 16;
        }

        mantissa = (mantissa << 4) + 0x8;
        if (exponent > 1)
        {
            mantissa <<= exponent - 1;
        }

        return (short)(code > 127 ? mantissa : -mantissa);
    }

    // G.191 ulaw_compress.
    internal static byte MuLawCompressReference(short sample)
    {
        var absno = sample < 0 ? ((~sample) >> 2) + 33 : (sample >> 2) + 33;
        if (absno > 0x1FFF)
        {
            absno = 0x1FFF;
        }

        var i = absno >> 6;
        var segno = 1;
        while (i != 0)
        {
            segno++;
            i >>= 1;
        }

        var highNibble = 0x8 - segno;
        var lowNibble = 0xF - ((absno >> segno) & 0xF);
        var code = (highNibble << 4) | lowNibble;
        if (sample >= 0)
        {
            code |= 0x80;
        }

        return (byte)code;
    }

    // G.191 alaw_compress.
    internal static byte ALawCompressReference(short sample)
    {
        var ix = sample < 0 ? (~sample) >> 4 : sample >> 4;
        if (ix > 15)
        {
            var exponent = 1;
            while (ix > 16 + 15)
            {
                ix >>= 1;
                exponent++;
            }

            ix -= 16;
            ix += exponent << 4;
        }

        if (sample >= 0)
        {
            ix |= 0x80;
        }

        return (byte)(ix ^ 0x55);
    }

    private static short[] BuildMuLawDecodeTable()
    {
        var table = new short[256];
        for (var c = 0; c < 256; c++)
        {
            table[c] = MuLawExpandReference((byte)c);
        }

        return table;
    }

    private static short[] BuildALawDecodeTable()
    {
        var table = new short[256];
        for (var c = 0; c < 256; c++)
        {
            table[c] = ALawExpandReference((byte)c);
        }

        return table;
    }

    private static byte[] BuildMuLawEncodeTable()
    {
        var table = new byte[1 << 14];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = MuLawCompressReference((short)(i << 2));
        }

        return table;
    }

    private static byte[] BuildALawEncodeTable()
    {
        var table = new byte[1 << 12];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = ALawCompressReference((short)(i << 4));
        }

        return table;
    }
}
