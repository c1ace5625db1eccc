using BenchmarkDotNet.Attributes;
using PhoneBridge.Simulator.Audio;

namespace PhoneBridge.Benchmarks.Audio;

/// <summary>One 20 ms frame through the streaming resampler, per direction of the phone path.</summary>
[MemoryDiagnoser]
public class ResamplerBenchmarks
{
    private readonly StreamingResampler _up8To48 = new(8000, 48000);
    private readonly StreamingResampler _down48To8 = new(48000, 8000);
    private readonly StreamingResampler _up16To48 = new(16000, 48000);
    private readonly StreamingResampler _down48To16 = new(48000, 16000);
    private readonly short[] _in8 = new short[160];
    private readonly short[] _in16 = new short[320];
    private readonly short[] _in48 = new short[960];
    private readonly short[] _out = new short[960];

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < _in48.Length; i++)
        {
            _in48[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 48000));
        }

        for (var i = 0; i < _in16.Length; i++)
        {
            _in16[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000));
        }

        for (var i = 0; i < _in8.Length; i++)
        {
            _in8[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000));
        }
    }

    [Benchmark]
    public int Up8To48() => _up8To48.Process(_in8, _out);

    [Benchmark]
    public int Down48To8() => _down48To8.Process(_in48, _out);

    [Benchmark]
    public int Up16To48() => _up16To48.Process(_in16, _out);

    [Benchmark]
    public int Down48To16() => _down48To16.Process(_in48, _out);
}
