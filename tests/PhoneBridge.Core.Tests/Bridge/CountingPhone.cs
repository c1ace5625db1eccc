using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>A phone stream that only counts the frames sent to it and ends when hung up.</summary>
internal sealed class CountingPhone : IPhoneMediaStream
{
    public TaskCompletionSource<IPhoneStreamHandler> Handler { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Stop { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Frames;

    public string Provider => "counting";

    public async Task RunAsync(IPhoneStreamHandler handler, CancellationToken cancellationToken)
    {
        Handler.TrySetResult(handler);
        await Stop.Task.WaitAsync(cancellationToken);
    }

    public void OnFrame(ReadOnlySpan<short> frame) => Frames++;

    public void SendMark(string name)
    {
    }

    public void Clear()
    {
    }

    public ValueTask HangUpAsync(string reason, CancellationToken cancellationToken)
    {
        Stop.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
