using System.Buffers.Binary;
using System.Text;

namespace PhoneBridge.Benchmarks.Fuzz;

/// <summary>Applies a <see cref="MutationPlan"/> to a seed, building the input in one reused buffer.</summary>
internal sealed class Mutator(IReadOnlyList<byte[]> seeds, int maxInput)
{
    private static readonly byte[] InterestingBytes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0x40, 0x20, 0x10];

    private static readonly ushort[] InterestingWords = [0x0000, 0xFFFF, 0x7FFF, 0x8000, 0x0001, 0x00FF, 0x0100, 0xFFFE];

    private static readonly byte[][] InterestingNumbers = [.. new[]
    {
        "0", "-1", "1", "-0", "255", "256", "65535", "65536", "2147483647", "2147483648", "-2147483649", "4294967295",
        "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999",
        "1e308", "1e-400", "0.5", "NaN", "", "00000000000000000000001", "8000", "48000", "1",
    }.Select(Encoding.ASCII.GetBytes)];

    private byte[] _buffer = new byte[4096];
    private int _length;

    /// <summary>The built input; valid until the next <see cref="Build"/>.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan(0, _length);

    public void Build(MutationPlan plan)
    {
        ulong noise = (ulong)plan.Noise * 0x9E3779B97F4A7C15UL | 1;
        if (plan.RandomLength >= 0)
        {
            Ensure(plan.RandomLength);
            _length = Math.Min(plan.RandomLength, maxInput);
            Fill(_buffer.AsSpan(0, _length), ref noise);
            return;
        }

        var seed = seeds[plan.Seed % seeds.Count];
        Ensure(seed.Length);
        seed.CopyTo(_buffer, 0);
        _length = seed.Length;
        foreach (var step in plan.Steps)
        {
            Apply(step, plan, ref noise);
            if (_length > maxInput)
            {
                _length = maxInput;
            }
        }
    }

    private void Apply(Mutation m, MutationPlan plan, ref ulong noise)
    {
        switch (m.Kind)
        {
            case MutationKind.BitFlip when _length > 0:
                _buffer[m.A % _length] ^= (byte)(1 << (m.B & 7));
                break;
            case MutationKind.InterestingByte when _length > 0:
                _buffer[m.A % _length] = InterestingBytes[m.B % InterestingBytes.Length];
                break;
            case MutationKind.InterestingWord when _length > 1:
                BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(m.A % (_length - 1)), InterestingWords[m.B % InterestingWords.Length]);
                break;
            case MutationKind.Truncate:
                _length = _length == 0 ? 0 : m.A % _length;
                break;
            case MutationKind.Extend:
            {
                int extra = 1 + (m.A % 256);
                int at = _length;
                Insert(at, extra);
                Fill(_buffer.AsSpan(at, extra), ref noise);
                break;
            }

            case MutationKind.InsertChunk:
            {
                int at = m.A % (_length + 1);
                int size = 1 + (m.B % 32);
                Span<byte> chunk = stackalloc byte[32];
                if ((m.C & 1) == 1 && _length >= size)
                {
                    // A chunk of the input itself: duplicates fields and tokens.
                    _buffer.AsSpan((m.C >> 1) % (_length - size + 1), size).CopyTo(chunk);
                }
                else
                {
                    Fill(chunk[..size], ref noise);
                }

                Insert(at, size);
                chunk[..size].CopyTo(_buffer.AsSpan(at));
                break;
            }

            case MutationKind.DeleteChunk when _length > 0:
            {
                int at = m.A % _length;
                int size = Math.Min(1 + (m.B % 64), _length - at);
                _buffer.AsSpan(at + size, _length - at - size).CopyTo(_buffer.AsSpan(at));
                _length -= size;
                break;
            }

            case MutationKind.RepeatChunk when _length > 0:
            {
                // Many copies of a small chunk: counts and lengths past their limits.
                int at = m.A % _length;
                int size = Math.Min(1 + (m.B % 16), _length - at);
                int copies = Math.Min(2 + (m.C % 2048), (maxInput - _length) / size);
                if (copies <= 0)
                {
                    break;
                }

                Insert(at + size, size * copies);
                for (int i = 1; i <= copies; i++)
                {
                    _buffer.AsSpan(at, size).CopyTo(_buffer.AsSpan(at + (i * size)));
                }

                break;
            }

            case MutationKind.Splice:
            {
                // Head of this input, tail of another seed.
                var other = seeds[plan.Other % seeds.Count];
                int cut = _length == 0 ? 0 : m.A % _length;
                int from = other.Length == 0 ? 0 : m.B % other.Length;
                int tail = other.Length - from;
                _length = cut;
                Ensure(cut + tail);
                other.AsSpan(from).CopyTo(_buffer.AsSpan(cut));
                _length = cut + tail;
                break;
            }

            case MutationKind.NumericTweak when _length > 0:
                TweakNumber(m);
                break;
        }
    }

    /// <summary>Replaces the digit run at or after a random offset by a boundary value or a nearby number.</summary>
    private void TweakNumber(Mutation m)
    {
        int start = m.A % _length;
        int i = _buffer.AsSpan(start, _length - start).IndexOfAnyInRange((byte)'0', (byte)'9');
        if (i < 0)
        {
            return;
        }

        start += i;
        int end = start;
        while (end < _length && _buffer[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        scoped ReadOnlySpan<byte> replacement;
        Span<byte> formatted = stackalloc byte[24];
        if ((m.B & 1) == 0)
        {
            replacement = InterestingNumbers[(m.B >> 1) % InterestingNumbers.Length];
        }
        else
        {
            long value = long.TryParse(Encoding.ASCII.GetString(_buffer, start, Math.Min(end - start, 18)), out var v) ? v : 0;
            value = (m.C % 4) switch { 0 => value + 1, 1 => value - 1, 2 => value * 10, _ => value / 10 };
            value.TryFormat(formatted, out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
            replacement = formatted[..written];
        }

        int delta = replacement.Length - (end - start);
        if (delta > 0)
        {
            Insert(end, delta);
        }
        else if (delta < 0)
        {
            _buffer.AsSpan(end, _length - end).CopyTo(_buffer.AsSpan(end + delta));
            _length += delta;
        }

        replacement.CopyTo(_buffer.AsSpan(start));
    }

    private void Insert(int at, int count)
    {
        Ensure(_length + count);
        _buffer.AsSpan(at, _length - at).CopyTo(_buffer.AsSpan(at + count));
        _length += count;
    }

    private void Ensure(int length)
    {
        if (length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(length, _buffer.Length * 2));
        }
    }

    private static void Fill(Span<byte> destination, ref ulong state)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            destination[i] = (byte)state;
        }
    }
}
