using System.Threading.Channels;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>A phone stream driven by the test: events are pushed in, what the bridge sends is recorded.</summary>
internal sealed class FakePhone : IPhoneMediaStream
{
    private readonly TaskCompletionSource<IPhoneStreamHandler> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _hungUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _clears;

    public string Provider => "fake";

    public Channel<short[]> Sent { get; } = Channel.CreateUnbounded<short[]>();

    public int Clears => Volatile.Read(ref _clears);

    public Task<string> HungUp => _hungUp.Task;

    public Task Stopped => _stopped.Task;

    public Exception? FailWith { get; set; }

    /// <summary>Like a socket stream: cancellation does not end the run, only <see cref="Stop"/> or a hang-up does.</summary>
    public bool IgnoresCancellation { get; set; }

    public async Task RunAsync(IPhoneStreamHandler handler, CancellationToken cancellationToken)
    {
        _running.TrySetResult(handler);
        try
        {
            await _stop.Task.WaitAsync(IgnoresCancellation ? CancellationToken.None : cancellationToken);
            if (FailWith is not null)
            {
                throw FailWith;
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    public async Task<IPhoneStreamHandler> HandlerAsync() => await _running.Task.WaitAsync(TestTimeouts.Wait);

    public async Task StartAsync(PhoneAudioFormat format) =>
        (await HandlerAsync()).OnStarted(new PhoneStreamStart("MZ1", "CA1", format, new Dictionary<string, string>()));

    public void Stop() => _stop.TrySetResult();

    public void OnFrame(ReadOnlySpan<short> frame) => Sent.Writer.TryWrite(frame.ToArray());

    public void SendMark(string name)
    {
    }

    public void Clear() => Interlocked.Increment(ref _clears);

    public ValueTask HangUpAsync(string reason, CancellationToken cancellationToken)
    {
        _hungUp.TrySetResult(reason);
        _stop.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
