using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PhoneBridge.Rtc.Srtp;

/// <summary>
/// AES in counter mode as SRTP defines it (RFC 3711 §4.1.1): the 16-byte IV is the initial counter block and the
/// low 16 bits count blocks. The ECB transform and scratch buffers are created once; one instance per direction
/// and packet kind, used by one thread at a time.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private const int BlockSize = 16;
    private const int BatchBlocks = 32;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[BatchBlocks * BlockSize];
    private readonly byte[] _keystream = new byte[BatchBlocks * BlockSize];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>XORs <paramref name="data"/> with the keystream that starts at counter block <paramref name="iv"/>.</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        // The block counter lives in the last two bytes; RFC 3711 limits a packet's keystream to 2^16 blocks,
        // so it never carries into the IV proper.
        ushort start = BinaryPrimitives.ReadUInt16BigEndian(iv[14..]);
        int block = 0;
        while (!data.IsEmpty)
        {
            int blocks = Math.Min(BatchBlocks, (data.Length + BlockSize - 1) / BlockSize);
            Span<byte> counters = _counters.AsSpan(0, blocks * BlockSize);
            for (int i = 0; i < blocks; i++)
            {
                Span<byte> c = counters.Slice(i * BlockSize, BlockSize);
                iv[..14].CopyTo(c);
                BinaryPrimitives.WriteUInt16BigEndian(c[14..], unchecked((ushort)(start + block + i)));
            }

            _ecb.TransformBlock(_counters, 0, blocks * BlockSize, _keystream, 0);
            int n = Math.Min(data.Length, blocks * BlockSize);
            Xor(data[..n], _keystream.AsSpan(0, n));
            data = data[n..];
            block += blocks;
        }
    }

    /// <summary>Writes raw keystream (used by the key derivation function).</summary>
    public void Generate(ReadOnlySpan<byte> iv, Span<byte> output)
    {
        output.Clear();
        Apply(iv, output);
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        for (; i <= data.Length - sizeof(ulong); i += sizeof(ulong))
        {
            ulong d = BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
            ulong k = BinaryPrimitives.ReadUInt64LittleEndian(keystream[i..]);
            BinaryPrimitives.WriteUInt64LittleEndian(data[i..], d ^ k);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
    }
}
