using System.Threading.Channels;
using PhoneBridge.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Phone;

/// <summary>Turns phone stream callbacks into an ordered event queue tests can await.</summary>
internal sealed class RecordingPhoneHandler : IPhoneStreamHandler, IAudioFrameSink
{
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();

    public sealed record Started(PhoneStreamStart Start);

    public sealed record AudioReceived(short[] Pcm);

    public void OnStarted(PhoneStreamStart start) => _events.Writer.TryWrite(new Started(start));

    public IAudioFrameSink CallerAudio => this;

    public void OnFrame(ReadOnlySpan<short> pcm) => _events.Writer.TryWrite(new AudioReceived(pcm.ToArray()));

    public void OnDtmf(char digit) => _events.Writer.TryWrite(digit);

    public void OnMark(string name) => _events.Writer.TryWrite(name);

    public async Task<T> NextAsync<T>()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Wait);
        var next = await _events.Reader.ReadAsync(timeout.Token);
        return Assert.IsType<T>(next);
    }

    public int Pending => _events.Reader.Count;
}
