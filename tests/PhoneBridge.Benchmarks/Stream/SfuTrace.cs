using System.Diagnostics;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>
/// What the fake SFU received from one phone participant: when the first frame arrived and when each marker
/// onset did (the decoded audio crossing the marker level after 50 ms below it), on the same
/// <see cref="Stopwatch"/> clock the simulated phones use.
/// </summary>
internal sealed class SfuTrace
{
    // Same level as the phone side (PhoneBridge.Simulator.Measurement.MarkerMatcher); Opus keeps it within a few percent.
    private const int Threshold = 6000;

    private readonly Lock _gate = new();
    private readonly List<long> _onsets = new(256);
    private readonly List<double> _onsetOffsets = new(256);
    private int _quietRun = int.MaxValue;
    private long _firstFrameAt;
    private long _frames;

    public long? FirstFrameAt
    {
        get
        {
            lock (_gate)
            {
                return _frames > 0 ? _firstFrameAt : null;
            }
        }
    }

    public long Frames
    {
        get
        {
            lock (_gate)
            {
                return _frames;
            }
        }
    }

    public (long[] Onsets, double[] OffsetsInFrameMs) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _onsets], [.. _onsetOffsets]);
        }
    }

    public void OnFrame(ReadOnlySpan<short> pcm)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (_frames++ == 0)
            {
                _firstFrameAt = now;
            }

            // 50 ms of quiet before an onset, whatever rate the fake decodes at (a frame is 20 ms).
            var quietSamples = pcm.Length * 5 / 2;
            for (var i = 0; i < pcm.Length; i++)
            {
                if (Math.Abs((int)pcm[i]) >= Threshold)
                {
                    if (_quietRun >= quietSamples)
                    {
                        _onsets.Add(now);
                        _onsetOffsets.Add(i * 20.0 / pcm.Length);
                    }

                    _quietRun = 0;
                }
                else
                {
                    _quietRun = _quietRun == int.MaxValue ? _quietRun : _quietRun + 1;
                }
            }
        }
    }
}
