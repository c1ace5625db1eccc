using System.Threading.Channels;

namespace PhoneBridge.Telnyx.Rest;

/// <summary>
/// Bounded hand-off from webhook requests to the command worker. A full queue is refused rather than
/// growing or dropping an answer: the webhook then returns 503 and Telnyx delivers it again.
/// </summary>
internal sealed class TelnyxCommandQueue
{
    public const int Capacity = 512;

    private readonly Channel<TelnyxCommand> _channel = Channel.CreateBounded<TelnyxCommand>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = false, SingleWriter = false });

    public ChannelReader<TelnyxCommand> Reader => _channel.Reader;

    public bool TryEnqueue(TelnyxCommand command) => _channel.Writer.TryWrite(command);
}
