using BenchmarkDotNet.Attributes;
using PhoneBridge.Audio;
using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Benchmarks.Audio;

/// <summary>
/// One 20 ms frame through each tone stage at each call rate: DTMF generation (written and mixed), DTMF detection
/// (on tones, the detector's busiest case) and hold audio. The allocated column must read 0 B.
/// </summary>
[MemoryDiagnoser]
public class ToneBenchmarks
{
    private DtmfToneGenerator _generator = null!;
    private DtmfDetector _detector = null!;
    private HoldAudioSource _hold = null!;
    private short[] _frame = null!;
    private short[] _tones = null!;
    private int _toneFrame;

    [Params(8000, 16000, 48000)]
    public int SampleRate { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frame = new short[AudioFrame.SamplesAt(SampleRate)];
        _generator = new DtmfToneGenerator(new string('5', DtmfToneGenerator.MaxKeys), SampleRate, DtmfToneGenerator.MaxToneMilliseconds);
        _hold = HoldAudioSource.Chime(SampleRate);

        // The detector takes telephone rates only; at 48 kHz it is measured at 16 kHz again.
        var detectorRate = Math.Min(SampleRate, 16000);
        _detector = new DtmfDetector(detectorRate);
        var keys = new DtmfToneGenerator("0123456789*#ABCD", detectorRate);
        _tones = new short[keys.TotalSamples / AudioFrame.SamplesAt(detectorRate) * AudioFrame.SamplesAt(detectorRate)];
        keys.Fill(_tones);
    }

    [Benchmark]
    public bool DtmfFill()
    {
        if (!_generator.Fill(_frame))
        {
            _generator.Restart();
        }

        return true;
    }

    [Benchmark]
    public bool DtmfMixInto()
    {
        if (!_generator.MixInto(_frame))
        {
            _generator.Restart();
        }

        return true;
    }

    [Benchmark]
    public char DtmfDetect()
    {
        var samples = AudioFrame.SamplesAt(_detector.SampleRate);
        _detector.OnFrame(_tones.AsSpan(_toneFrame * samples, samples));
        _toneFrame = (_toneFrame + 1) % (_tones.Length / samples);
        return _detector.Current;
    }

    [Benchmark]
    public short HoldFill()
    {
        _hold.Fill(_frame);
        return _frame[0];
    }
}
