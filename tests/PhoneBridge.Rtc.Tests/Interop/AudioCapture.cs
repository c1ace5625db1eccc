using PhoneBridge.Audio;
using PhoneBridge.Rtc.Media;

namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>Collects frames of a remote track and completes once enough audio arrived.</summary>
internal sealed class AudioCapture : IAudioFrameSink
{
    private readonly Lock _gate = new();
    private readonly List<short> _samples = [];
    private readonly int _wanted;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AudioCapture(RemoteAudioTrack track, int wantedSamples)
    {
        _wanted = wantedSamples;
        track.Sink = this;
    }

    public Task Completed => _done.Task;

    public short[] Samples
    {
        get
        {
            lock (_gate)
            {
                return [.. _samples];
            }
        }
    }

    public void OnFrame(ReadOnlySpan<short> pcm)
    {
        lock (_gate)
        {
            foreach (var s in pcm)
            {
                _samples.Add(s);
            }

            if (_samples.Count >= _wanted)
            {
                _done.TrySetResult();
            }
        }
    }
}
