using System.Threading.Channels;
using PhoneBridge.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Testing.Phone;

/// <summary>Turns phone stream callbacks into an ordered event queue tests can await.</summary>
/// <param name="wait">How long <see cref="NextAsync{T}"/> waits for the next event before the test fails.</param>
public sealed class RecordingPhoneHandler(TimeSpan wait) : IPhoneStreamHandler, IAudioFrameSink
{
    public RecordingPhoneHandler()
        : this(TimeSpan.FromSeconds(30))
    {
    }

    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();

    public sealed record Started(PhoneStreamStart Start);

    public sealed record AudioReceived(short[] Pcm);

    public sealed record Dtmf(char Digit);

    public sealed record Mark(string Name);

    public void OnStarted(PhoneStreamStart start) => _events.Writer.TryWrite(new Started(start));

    public IAudioFrameSink CallerAudio => this;

    public void OnFrame(ReadOnlySpan<short> pcm) => _events.Writer.TryWrite(new AudioReceived(pcm.ToArray()));

    public void OnDtmf(char digit) => _events.Writer.TryWrite(new Dtmf(digit));

    public void OnMark(string name) => _events.Writer.TryWrite(new Mark(name));

    public async Task<T> NextAsync<T>()
    {
        using var timeout = new CancellationTokenSource(wait);
        var next = await _events.Reader.ReadAsync(timeout.Token);
        return next is T expected
            ? expected
            : throw new InvalidOperationException($"Expected {typeof(T).Name} next, but the stream reported {next}.");
    }

    public bool TryPeek(out object? next) => _events.Reader.TryPeek(out next);

    public int Pending => _events.Reader.Count;
}
