using System.Collections.Concurrent;
using PhoneBridge.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Telnyx.Tests.Media;

/// <summary>Keeps everything a phone stream reports.</summary>
internal sealed class RecordingPhoneHandler : IPhoneStreamHandler, IAudioFrameSink
{
    private readonly TaskCompletionSource<PhoneStreamStart> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<short[]> Audio { get; } = new();

    public ConcurrentQueue<char> Digits { get; } = new();

    public ConcurrentQueue<string> Marks { get; } = new();

    public Task<PhoneStreamStart> Started => _started.Task;

    public int StartCount { get; private set; }

    public short[] AllAudio => Audio.SelectMany(a => a).ToArray();

    public void OnStarted(PhoneStreamStart start)
    {
        StartCount++;
        _started.TrySetResult(start);
    }

    public IAudioFrameSink CallerAudio => this;

    public void OnFrame(ReadOnlySpan<short> pcm) => Audio.Enqueue(pcm.ToArray());

    public void OnDtmf(char digit) => Digits.Enqueue(digit);

    public void OnMark(string name) => Marks.Enqueue(name);
}
