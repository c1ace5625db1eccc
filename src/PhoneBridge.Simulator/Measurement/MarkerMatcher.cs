using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;

namespace PhoneBridge.Simulator.Measurement;

/// <summary>
/// Measures round trips through an echo that does not return the same bytes (an Opus leg, say): the caller's
/// audio stays below <see cref="Threshold"/> except for one loud marker frame every so often
/// (<see cref="Audio.CallerAudio.MarkerSignal"/>). A marker's send time is queued; the first returned sample at or
/// above the threshold after <see cref="QuietSamples"/> quiet ones is an echo, and it is paired with the latest
/// marker sent, if that was within the maximum round trip (at most the marker period, so the pairing cannot slip
/// by one marker); older unpaired markers count as lost. So a round trip longer than the maximum reads as loss.
/// Markers sent before any audio came back are left out: the far end was still joining. Not thread-safe: one
/// sender and one receiver under the caller's lock.
/// </summary>
public sealed class MarkerMatcher : IEchoMatcher
{
    /// <summary>Sample magnitude that makes a frame a marker (the background peaks near 1 500).</summary>
    public const int Threshold = 6000;

    /// <summary>Quiet samples (50 ms at 8 kHz) before a loud sample counts as a new marker, so one marker is one onset.</summary>
    public const int QuietSamples = 400;

    private readonly TimeProvider _time;
    private readonly long _maxRoundTripTicks;
    private readonly Queue<long> _pending = new(64);
    private bool _lastSentWasMarker;
    private bool _heardAny;
    private int _quietRun = QuietSamples;
    private long _receivedSamples;

    public MarkerMatcher(TimeProvider time, TimeSpan maxRoundTrip)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxRoundTrip, TimeSpan.Zero);
        _maxRoundTripTicks = (long)(maxRoundTrip.TotalSeconds * time.TimestampFrequency);
    }

    public LatencySamples Latencies { get; } = new();

    public long FramesSent { get; private set; }

    /// <summary>Frames' worth of audio that came back (the bytes differ, so this is a count, not a match).</summary>
    public long FramesMatched => Math.Min(FramesSent, _receivedSamples / FrameMatcher.FrameBytes);

    public long FramesPending => FramesSent - FramesMatched;

    public long UnmatchedBytes => Math.Max(0, _receivedSamples - (FramesSent * FrameMatcher.FrameBytes));

    public long MarkersSent { get; private set; }

    /// <summary>Markers sent before any audio had come back (not counted as lost).</summary>
    public long MarkersBeforeAudio { get; private set; }

    public long MarkersHeard { get; private set; }

    public long MarkersLost { get; private set; }

    /// <summary>Markers sent and not heard back yet (lost if the call ends now).</summary>
    public long MarkersPending => _pending.Count;

    /// <summary>Loud onsets that came back with no marker waiting (e.g. the echo of one sent while joining).</summary>
    public long UnmatchedOnsets { get; private set; }

    /// <summary>Send timestamp of every marker (<see cref="TimeProvider.GetTimestamp"/>), for per-leg analysis.</summary>
    public List<long> SentAt { get; } = new(256);

    /// <summary>Arrival timestamp of every marker onset heard back.</summary>
    public List<long> HeardAt { get; } = new(256);

    public void OnSent(ReadOnlySpan<byte> frame, long timestamp)
    {
        FramesSent++;
        var isMarker = Peak(frame) >= Threshold;
        if (isMarker && !_lastSentWasMarker)
        {
            MarkersSent++;
            SentAt.Add(timestamp);
            if (_heardAny)
            {
                _pending.Enqueue(timestamp);
            }
            else
            {
                MarkersBeforeAudio++;
            }
        }

        _lastSentWasMarker = isMarker;
    }

    public void OnReceived(ReadOnlySpan<byte> audio)
    {
        var now = _time.GetTimestamp();
        _heardAny = true;
        foreach (var code in audio)
        {
            if (Math.Abs((int)G711.MuLawDecode(code)) >= Threshold)
            {
                if (_quietRun >= QuietSamples)
                {
                    Onset(now);
                }

                _quietRun = 0;
            }
            else
            {
                _quietRun++;
            }
        }

        _receivedSamples += audio.Length;
    }

    public void Flush()
    {
        MarkersLost += _pending.Count;
        _pending.Clear();
    }

    private void Onset(long now)
    {
        HeardAt.Add(now);
        while (_pending.Count > 1)
        {
            _pending.Dequeue();
            MarkersLost++;
        }

        if (_pending.TryPeek(out var sentAt) && now - sentAt <= _maxRoundTripTicks)
        {
            _pending.Dequeue();
            Latencies.Add(_time.GetElapsedTime(sentAt, now));
            MarkersHeard++;
        }
        else
        {
            UnmatchedOnsets++;
        }
    }

    private static int Peak(ReadOnlySpan<byte> frame)
    {
        var peak = 0;
        foreach (var code in frame)
        {
            peak = Math.Max(peak, Math.Abs((int)G711.MuLawDecode(code)));
        }

        return peak;
    }
}
