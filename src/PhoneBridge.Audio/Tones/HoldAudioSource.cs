using System.Collections.Concurrent;

namespace PhoneBridge.Audio.Tones;

/// <summary>
/// What a caller on hold hears, a frame at a time and round and round: either audio given as mono PCM16 at the
/// call's rate (a hold-music file the caller of this class has decoded and resampled), or the built-in chime.
/// </summary>
/// <remarks>
/// The built-in chime is a soft A-major dyad (440 Hz and 554.37 Hz together) for 300 ms every 2 s, peaking at
/// −20 dBFS, with a 20 ms raised-cosine attack and a 150 ms raised-cosine release: clearly not silence, nothing
/// a DTMF detector takes for a key, and quiet enough to sit under an agent that comes back. Its two seconds are
/// computed once per sample rate and shared. A source only keeps its position: nothing is allocated per frame.
/// Not thread-safe.
/// </remarks>
public sealed class HoldAudioSource
{
    /// <summary>The chime's period.</summary>
    public const int ChimePeriodMilliseconds = 2000;

    /// <summary>How long each chime sounds, ramps included.</summary>
    public const int ChimeMilliseconds = 300;

    /// <summary>The chime's peak, in dBFS.</summary>
    public const double ChimePeakDbfs = -20;

    private const int AttackMilliseconds = 20;
    private const int ReleaseMilliseconds = 150;

    private static readonly ConcurrentDictionary<int, short[]> Chimes = new();

    private readonly ReadOnlyMemory<short> _audio;
    private int _position;

    /// <summary>
    /// Loops <paramref name="audio"/>: mono PCM16 already at the call's rate, at least one sample. The loop point is
    /// the audio's own: audio that does not start and end near silence clicks there, so hold music should.
    /// </summary>
    public HoldAudioSource(ReadOnlyMemory<short> audio)
    {
        if (audio.IsEmpty)
        {
            throw new ArgumentException("Hold audio must hold at least one sample.", nameof(audio));
        }

        _audio = audio;
    }

    /// <summary>The length of one loop, in samples.</summary>
    public int LoopSamples => _audio.Length;

    /// <summary>The built-in chime at <paramref name="sampleRate"/> (8000, 16000 or 48000).</summary>
    public static HoldAudioSource Chime(int sampleRate)
    {
        if (sampleRate is not (8000 or 16000 or 48000))
        {
            throw new ArgumentException($"The sample rate must be 8000, 16000 or 48000 Hz, got {sampleRate}.", nameof(sampleRate));
        }

        return new HoldAudioSource(Chimes.GetOrAdd(sampleRate, BuildChime));
    }

    /// <summary>Writes the next <c>frame.Length</c> samples of the loop over <paramref name="frame"/>.</summary>
    public void Fill(Span<short> frame)
    {
        var audio = _audio.Span;
        while (!frame.IsEmpty)
        {
            var take = Math.Min(frame.Length, audio.Length - _position);
            audio.Slice(_position, take).CopyTo(frame);
            frame = frame[take..];
            _position += take;
            if (_position == audio.Length)
            {
                _position = 0;
            }
        }
    }

    /// <summary>Starts the loop again from its beginning.</summary>
    public void Restart() => _position = 0;

    private static short[] BuildChime(int sampleRate)
    {
        var period = sampleRate / 1000 * ChimePeriodMilliseconds;
        var sounding = sampleRate / 1000 * ChimeMilliseconds;
        var attack = sampleRate / 1000 * AttackMilliseconds;
        var release = sampleRate / 1000 * ReleaseMilliseconds;

        // Each tone at half the peak, so the two together never exceed it.
        var amplitude = 32767 * Math.Pow(10, ChimePeakDbfs / 20) / 2;
        var chime = new short[period];
        for (var n = 0; n < sounding; n++)
        {
            var envelope = n < attack
                ? RaisedCosine(n, attack)
                : n >= sounding - release ? RaisedCosine(sounding - 1 - n, release) : 1.0;
            var t = (double)n / sampleRate;
            var value = amplitude * envelope * (Math.Sin(2 * Math.PI * 440 * t) + Math.Sin(2 * Math.PI * 554.37 * t));
            chime[n] = (short)Math.Round(value);
        }

        return chime;
    }

    private static double RaisedCosine(int n, int length) => 0.5 - (0.5 * Math.Cos(Math.PI * (n + 0.5) / length));
}
