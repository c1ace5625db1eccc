using BenchmarkDotNet.Attributes;
using PhoneBridge.Rtc.Opus;

namespace PhoneBridge.Benchmarks.Rtc;

/// <summary>
/// Voice through Opus encode + decode at the phone's rate, on libopus (Native) and Concentus (Managed): one 20 ms
/// frame, and one call-second (50 frames, the codec work of one call direction for a second).
/// </summary>
[MemoryDiagnoser]
public class OpusCodecBenchmarks : IDisposable
{
    private const int FramesPerSecond = 50;

    private OpusEncoder _encoder = null!;
    private OpusDecoder _decoder = null!;
    private short[] _pcm = null!;
    private short[] _out = null!;
    private readonly byte[] _packet = new byte[OpusEncoder.MaxPacketSize];
    private int _frame;

    [Params(OpusImplementation.Native, OpusImplementation.Managed)]
    public OpusImplementation Implementation { get; set; }

    [Params(8000, 16000)]
    public int SampleRate { get; set; }

    [Params(5)]
    public int Complexity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = SampleRate, Complexity = Complexity }, Implementation);
        _decoder = new OpusDecoder(SampleRate, 1, Implementation);
        _pcm = VoiceLikeSignal.Create(SampleRate, seconds: 2);
        _out = new short[_decoder.MaxFrameSize];
    }

    [Benchmark]
    public int EncodeDecode20ms()
    {
        var size = SampleRate / 50;
        var offset = _frame * size % (_pcm.Length - size);
        _frame++;
        var n = _encoder.Encode(_pcm.AsSpan(offset, size), _packet);
        return _decoder.Decode(_packet.AsSpan(0, n), _out);
    }

    /// <summary>Encode + decode of one second of speech-like signal in 20 ms frames: the mean is ms of CPU per call-second.</summary>
    [Benchmark]
    public int EncodeDecodeCallSecond()
    {
        var size = SampleRate / FramesPerSecond;
        var decoded = 0;
        for (var i = 0; i < FramesPerSecond; i++)
        {
            var n = _encoder.Encode(_pcm.AsSpan(i * size, size), _packet);
            decoded += _decoder.Decode(_packet.AsSpan(0, n), _out);
        }

        return decoded;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _encoder?.Dispose();
        _decoder?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Harmonics with a syllable-rate envelope and a little noise: closer to speech than a pure tone for codec cost.</summary>
internal static class VoiceLikeSignal
{
    public static short[] Create(int rate, double seconds)
    {
        var random = new Random(42);
        var n = (int)(rate * seconds);
        var result = new short[n];
        for (var i = 0; i < n; i++)
        {
            var t = (double)i / rate;
            var f0 = 140 + (20 * Math.Sin(2 * Math.PI * 0.7 * t));
            double v = 0;
            for (var h = 1; h <= 12 && h * f0 < rate / 2; h++)
            {
                v += Math.Sin(2 * Math.PI * h * f0 * t) / h;
            }

            var envelope = 0.5 + (0.5 * Math.Sin(2 * Math.PI * 4 * t));
            result[i] = (short)Math.Clamp((6000 * envelope * v) + (random.NextDouble() * 200) - 100, short.MinValue, short.MaxValue);
        }

        return result;
    }
}
