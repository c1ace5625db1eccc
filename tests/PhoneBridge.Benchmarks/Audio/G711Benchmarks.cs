using BenchmarkDotNet.Attributes;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;

namespace PhoneBridge.Benchmarks.Audio;

/// <summary>One 20 ms telephone frame (160 samples at 8 kHz) through each codec direction.</summary>
[MemoryDiagnoser]
public class G711Benchmarks
{
    private readonly byte[] _codes = new byte[160];
    private readonly short[] _pcm = new short[160];
    private readonly byte[] _wire = new byte[320];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        random.NextBytes(_codes);
        for (var i = 0; i < _pcm.Length; i++)
        {
            _pcm[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }
    }

    [Benchmark]
    public int MuLawDecode160() => G711.MuLawDecode(_codes, _pcm);

    [Benchmark]
    public int MuLawEncode160() => G711.MuLawEncode(_pcm, _codes);

    [Benchmark]
    public int ALawDecode160() => G711.ALawDecode(_codes, _pcm);

    [Benchmark]
    public int ALawEncode160() => G711.ALawEncode(_pcm, _codes);

    [Benchmark]
    public int L16Encode160() => L16.EncodeBigEndian(_pcm, _wire);

    [Benchmark]
    public int L16Decode160() => L16.DecodeBigEndian(_wire, _pcm);
}
