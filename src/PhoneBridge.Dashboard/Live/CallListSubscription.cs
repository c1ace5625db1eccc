using System.Threading.Channels;

namespace PhoneBridge.Dashboard.Live;

/// <summary>
/// One live-list connection's queue of serialized events: bounded; when it is full the client is too slow and is
/// dropped (<see cref="Dropped"/> cancels its pending write), so a stuck browser never holds up the feed or a call.
/// </summary>
internal sealed class CallListSubscription : IDisposable
{
    /// <summary>Events queued before a client counts as too slow (two seconds of updates at the default rate).</summary>
    public const int Capacity = 8;

    private readonly Channel<string> _events = Channel.CreateBounded<string>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationTokenSource _dropped = new();

    public ChannelReader<string> Events => _events.Reader;

    /// <summary>Cancelled when the client was dropped for falling behind.</summary>
    public CancellationToken Dropped => _dropped.Token;

    public bool WasDropped { get; private set; }

    /// <summary>Queues an event without waiting; false when the queue is full (the client is then to be dropped).</summary>
    public bool Offer(string message) => _events.Writer.TryWrite(message);

    /// <summary>Ends the stream because the client fell behind; called outside the feed's lock.</summary>
    public void Drop()
    {
        WasDropped = true;
        _events.Writer.TryComplete();
        try
        {
            _dropped.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own meanwhile.
        }
    }

    public void Dispose() => _dropped.Dispose();
}
