namespace PhoneBridge.Audio.Tones;

/// <summary>
/// Plays a string of DTMF keys as in-band tones, a frame at a time: each key is its ITU-T Q.23 frequency pair
/// for the tone length, then a pause (ITU-T Q.24: tone and pause at least 40 ms each), the last key included so
/// that the next string sent never runs into this one.
/// </summary>
/// <remarks>
/// <para>
/// Level: the low tone at −7 dBm0 and the high tone at −5 dBm0, a 2 dB high-group pre-emphasis as Telcordia
/// GR-506 recommends for senders (lines lose more at high frequencies). The dBm0 scale is G.711 μ-law's, whose
/// full-scale sine is +3.17 dBm0, so the pair peaks at −3 dBFS and never clips, even through A-law.
/// </para>
/// <para>
/// The pause is the tone length but at least 60 ms (or what <c>gapMilliseconds</c> says): equal on and off is
/// what handsets and RFC 4733 senders do, and 60 ms keeps 20 ms of margin above Q.24's 40 ms minimum pause for a
/// provider's jitter buffer or packet-loss concealment that shortens a gap.
/// </para>
/// <para>
/// Each tone is synthesised by a two-pole resonator (one multiply-add per sample and tone, phase-continuous
/// within the tone) and shaped by a raised-cosine ramp of <see cref="RampMilliseconds"/> at both edges, so tone
/// edges do not click. Nothing is allocated after construction; not thread-safe.
/// </para>
/// </remarks>
public sealed class DtmfToneGenerator
{
    /// <summary>Most keys in one string.</summary>
    public const int MaxKeys = 64;

    /// <summary>Shortest tone accepted, in milliseconds.</summary>
    public const int MinToneMilliseconds = 50;

    /// <summary>Longest tone accepted, in milliseconds.</summary>
    public const int MaxToneMilliseconds = 1000;

    /// <summary>Tone length when none is given, in milliseconds.</summary>
    public const int DefaultToneMilliseconds = 100;

    /// <summary>Shortest pause: ITU-T Q.24's minimum.</summary>
    public const int MinGapMilliseconds = 40;

    /// <summary>Longest pause accepted, in milliseconds.</summary>
    public const int MaxGapMilliseconds = 1000;

    /// <summary>Length of the raised-cosine ramp at each edge of a tone.</summary>
    public const int RampMilliseconds = 3;

    /// <summary>Low-group tone level in dBm0.</summary>
    public const double LowLevelDbm0 = -7;

    /// <summary>High-group tone level in dBm0.</summary>
    public const double HighLevelDbm0 = -5;

    /// <summary>Peak amplitude of a 0 dBm0 sine in PCM16: G.711 μ-law's full scale is +3.17 dBm0.</summary>
    public const double ZeroDbm0Peak = 32768 * 0.69424; // 10^(-3.17/20)

    private const int DefaultMinGapMilliseconds = 60;

    private readonly byte[] _keys;
    private readonly float[] _ramp;
    private readonly int _toneSamples;
    private readonly int _periodSamples;
    private readonly double _lowAmplitude;
    private readonly double _highAmplitude;
    private readonly double[] _lowCoefficient = new double[4];
    private readonly double[] _highCoefficient = new double[4];
    private readonly double[] _lowSine = new double[4];
    private readonly double[] _highSine = new double[4];

    private int _keyIndex;
    private int _position;
    private double _low1;
    private double _low2;
    private double _high1;
    private double _high2;

    /// <param name="keys">The keys to play: <c>0-9 * # A-D</c>, 1 to <see cref="MaxKeys"/> of them.</param>
    /// <param name="sampleRate">8000, 16000 or 48000.</param>
    /// <param name="toneMilliseconds">Length of each tone, <see cref="MinToneMilliseconds"/> to <see cref="MaxToneMilliseconds"/>.</param>
    /// <param name="gapMilliseconds">Pause after each tone; by default the tone length but at least 60 ms.</param>
    /// <exception cref="ArgumentException">A key, the length or a duration is out of range; the message says which.</exception>
    public DtmfToneGenerator(string keys, int sampleRate, int toneMilliseconds = DefaultToneMilliseconds, int? gapMilliseconds = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (sampleRate is not (8000 or 16000 or 48000))
        {
            throw new ArgumentException($"The sample rate must be 8000, 16000 or 48000 Hz, got {sampleRate}.", nameof(sampleRate));
        }

        if (keys.Length is 0 or > MaxKeys)
        {
            throw new ArgumentException($"DTMF takes 1 to {MaxKeys} keys, got {keys.Length}.", nameof(keys));
        }

        if (toneMilliseconds is < MinToneMilliseconds or > MaxToneMilliseconds)
        {
            throw new ArgumentException(
                $"The DTMF tone length must be {MinToneMilliseconds} to {MaxToneMilliseconds} ms, got {toneMilliseconds}.", nameof(toneMilliseconds));
        }

        var gap = gapMilliseconds ?? Math.Max(toneMilliseconds, DefaultMinGapMilliseconds);
        if (gap is < MinGapMilliseconds or > MaxGapMilliseconds)
        {
            throw new ArgumentException(
                $"The DTMF pause must be {MinGapMilliseconds} to {MaxGapMilliseconds} ms, got {gap}.", nameof(gapMilliseconds));
        }

        _keys = new byte[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var index = DtmfKeys.IndexOf(keys[i]);
            if (index < 0)
            {
                throw new ArgumentException(
                    $"'{keys[i]}' at position {i + 1} is not a DTMF key; the keys are 0-9, *, #, A, B, C and D.", nameof(keys));
            }

            _keys[i] = (byte)index;
        }

        SampleRate = sampleRate;
        ToneMilliseconds = toneMilliseconds;
        GapMilliseconds = gap;
        Keys = keys;
        _toneSamples = sampleRate / 1000 * toneMilliseconds;
        _periodSamples = _toneSamples + (sampleRate / 1000 * gap);
        _lowAmplitude = ZeroDbm0Peak * Math.Pow(10, LowLevelDbm0 / 20);
        _highAmplitude = ZeroDbm0Peak * Math.Pow(10, HighLevelDbm0 / 20);
        for (var i = 0; i < 4; i++)
        {
            var low = 2 * Math.PI * DtmfKeys.LowHz[i] / sampleRate;
            var high = 2 * Math.PI * DtmfKeys.HighHz[i] / sampleRate;
            _lowCoefficient[i] = 2 * Math.Cos(low);
            _highCoefficient[i] = 2 * Math.Cos(high);
            _lowSine[i] = Math.Sin(low);
            _highSine[i] = Math.Sin(high);
        }

        // Half-sample offsets make the ramp symmetric and never exactly 0 or 1.
        _ramp = new float[sampleRate / 1000 * RampMilliseconds];
        for (var i = 0; i < _ramp.Length; i++)
        {
            _ramp[i] = (float)(0.5 - (0.5 * Math.Cos(Math.PI * (i + 0.5) / _ramp.Length)));
        }

        StartTone();
    }

    /// <summary>The keys being played.</summary>
    public string Keys { get; }

    public int SampleRate { get; }

    public int ToneMilliseconds { get; }

    /// <summary>The pause after each tone, in milliseconds.</summary>
    public int GapMilliseconds { get; }

    /// <summary>Samples from start to end: every key's tone and pause.</summary>
    public long TotalSamples => (long)_periodSamples * _keys.Length;

    /// <summary>True once every tone and pause has been played.</summary>
    public bool IsFinished => _keyIndex >= _keys.Length;

    /// <summary>
    /// Writes the next <c>frame.Length</c> samples over <paramref name="frame"/> (silence in the pauses and after
    /// the end). Returns true while something is left to play after this frame.
    /// </summary>
    public bool Fill(Span<short> frame)
    {
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = (short)Math.Round(Next());
        }

        return !IsFinished;
    }

    /// <summary>
    /// Adds the next <c>frame.Length</c> samples to what <paramref name="frame"/> holds, saturating at the PCM16
    /// limits. Returns true while something is left to play after this frame.
    /// </summary>
    public bool MixInto(Span<short> frame)
    {
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = (short)Math.Clamp(Math.Round(frame[i] + Next()), short.MinValue, short.MaxValue);
        }

        return !IsFinished;
    }

    /// <summary>Starts again from the first key.</summary>
    public void Restart()
    {
        _keyIndex = 0;
        _position = 0;
        StartTone();
    }

    private double Next()
    {
        if (_keyIndex >= _keys.Length)
        {
            return 0;
        }

        double sample = 0;
        if (_position < _toneSamples)
        {
            var key = _keys[_keyIndex];
            var low = (_lowCoefficient[key >> 2] * _low1) - _low2;
            _low2 = _low1;
            _low1 = low;
            var high = (_highCoefficient[key & 3] * _high1) - _high2;
            _high2 = _high1;
            _high1 = high;
            var envelope = 1.0;
            if (_position < _ramp.Length)
            {
                envelope = _ramp[_position];
            }
            else if (_position >= _toneSamples - _ramp.Length)
            {
                envelope = _ramp[_toneSamples - 1 - _position];
            }

            sample = envelope * ((_lowAmplitude * low) + (_highAmplitude * high));
        }

        if (++_position == _periodSamples)
        {
            _position = 0;
            _keyIndex++;
            StartTone();
        }

        return sample;
    }

    // Seeds the resonators with sin(-w) and sin(-2w) so that their first output is sin(0) and the n-th sin(n w).
    private void StartTone()
    {
        if (_keyIndex >= _keys.Length)
        {
            return;
        }

        var key = _keys[_keyIndex];
        var low = _lowSine[key >> 2];
        var high = _highSine[key & 3];
        _low1 = -low;
        _low2 = -low * _lowCoefficient[key >> 2];
        _high1 = -high;
        _high2 = -high * _highCoefficient[key & 3];
    }
}
