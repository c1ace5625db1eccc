using PhoneBridge.Audio;

namespace PhoneBridge.Stream.Edge;

/// <summary>
/// Mixes the remote participants' 20 ms frames into one stream for the phone, without a timer: a frame is
/// emitted when every recently active track has contributed, or when a track delivers its next frame before
/// the others did. One track passes straight through. Detects a resume of remote audio after a silent gap.
/// Not thread-safe: called from the single media receive loop.
/// </summary>
internal sealed class RemoteAudioMixer
{
    // A track that delivered nothing for this long no longer holds the mix back.
    private static readonly TimeSpan ActiveWindow = TimeSpan.FromMilliseconds(100);

    // Peak amplitude below which a frame counts as silence (about -50 dBFS).
    private const int SilencePeak = 100;

    private readonly int _frameSamples;
    private readonly int[] _accumulator;
    private readonly short[] _mix;
    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _contributed = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _resumeGap;
    private readonly IAudioFrameSink _output;
    private readonly Action _resumed;
    private long _lastAudible;
    private long _pendingSince;
    private bool _everAudible;

    public RemoteAudioMixer(int sampleRate, TimeSpan resumeGap, TimeProvider time, IAudioFrameSink output, Action resumed)
    {
        _frameSamples = AudioFrame.SamplesAt(sampleRate);
        _accumulator = new int[_frameSamples];
        _mix = new short[_frameSamples];
        _time = time;
        _resumeGap = resumeGap;
        _output = output;
        _resumed = resumed;
    }

    public void OnFrame(string trackKey, ReadOnlySpan<short> pcm)
    {
        var now = _time.GetTimestamp();
        if (_contributed.Contains(trackKey) || (_contributed.Count > 0 && _time.GetElapsedTime(_pendingSince, now) > ActiveWindow))
        {
            Flush(now);
        }

        if (_contributed.Count == 0)
        {
            _pendingSince = now;
        }

        _lastSeen[trackKey] = now;
        var n = Math.Min(pcm.Length, _frameSamples);
        for (var i = 0; i < n; i++)
        {
            _accumulator[i] += pcm[i];
        }

        _contributed.Add(trackKey);
        if (_contributed.Count >= ActiveTracks(now))
        {
            Flush(now);
        }
    }

    private int ActiveTracks(long now)
    {
        var active = 0;
        foreach (var seen in _lastSeen.Values)
        {
            if (_time.GetElapsedTime(seen, now) <= ActiveWindow)
            {
                active++;
            }
        }

        return active;
    }

    private void Flush(long now)
    {
        if (_contributed.Count == 0)
        {
            return;
        }

        var peak = 0;
        for (var i = 0; i < _frameSamples; i++)
        {
            var s = Math.Clamp(_accumulator[i], short.MinValue, short.MaxValue);
            _mix[i] = (short)s;
            peak = Math.Max(peak, Math.Abs(s));
            _accumulator[i] = 0;
        }

        _contributed.Clear();
        if (peak >= SilencePeak)
        {
            if (_everAudible && _time.GetElapsedTime(_lastAudible, now) >= _resumeGap)
            {
                _resumed();
            }

            _everAudible = true;
            _lastAudible = now;
        }

        _output.OnFrame(_mix);
    }
}
