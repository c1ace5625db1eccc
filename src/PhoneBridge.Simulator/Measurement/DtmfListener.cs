using PhoneBridge.Audio;
using PhoneBridge.Audio.Tones;
using PhoneBridge.Simulator.Audio;

namespace PhoneBridge.Simulator.Measurement;

/// <summary>
/// The simulated phone's ear for DTMF: runs the Goertzel <see cref="DtmfDetector"/> over the μ-law 8 kHz audio the
/// server sent and keeps the keys heard, in order (the first <see cref="MaxKeys"/> of them; more are only counted).
/// Decodes through one frame-sized buffer, so listening allocates nothing per frame. Not thread-safe.
/// </summary>
public sealed class DtmfListener
{
    /// <summary>Keys kept; a run that hears more is wrong anyway, and the count still says how many.</summary>
    public const int MaxKeys = 256;

    private const int CallerAudioRate = CallerAudio.SampleRate;

    private readonly DtmfDetector _detector = new(CallerAudioRate);
    private readonly short[] _pcm = new short[AudioFrame.SamplesAt(CallerAudioRate)];
    private readonly char[] _keys = new char[MaxKeys];
    private int _kept;

    public DtmfListener() => _detector.KeyDetected += OnKey;

    /// <summary>Every key heard, including those beyond <see cref="MaxKeys"/>.</summary>
    public long KeysHeard { get; private set; }

    /// <summary>The keys heard so far, in order (at most <see cref="MaxKeys"/>).</summary>
    public string Heard => new(_keys, 0, _kept);

    /// <summary>The keys heard in a whole recording of μ-law 8 kHz (<see cref="Twilio.TwilioMediaCall.RecordedMuLaw"/>).</summary>
    public static string Hear(ReadOnlySpan<byte> muLaw)
    {
        var listener = new DtmfListener();
        listener.OnMuLaw(muLaw);
        return listener.Heard;
    }

    /// <summary>Listens to the next μ-law codes, of any length, in the order the server sent them.</summary>
    public void OnMuLaw(ReadOnlySpan<byte> codes)
    {
        while (!codes.IsEmpty)
        {
            var count = Math.Min(codes.Length, _pcm.Length);
            G711.MuLawDecode(codes[..count], _pcm);
            _detector.Process(_pcm.AsSpan(0, count));
            codes = codes[count..];
        }
    }

    private void OnKey(char key)
    {
        if (_kept < MaxKeys)
        {
            _keys[_kept++] = key;
        }

        KeysHeard++;
    }
}
