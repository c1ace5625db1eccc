using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Tests.Media;

public sealed class ChunkReorderBufferTests
{
    private static (RecordingPhoneHandler Handler, ChunkReorderBuffer Buffer) Create(int window = 3) => (new RecordingPhoneHandler(), new ChunkReorderBuffer(window));

    private static void Push(ChunkReorderBuffer buffer, RecordingPhoneHandler handler, params long[] chunks)
    {
        foreach (var chunk in chunks)
        {
            buffer.Push(chunk, [(short)chunk], handler);
        }
    }

    private static long[] Delivered(RecordingPhoneHandler handler) => handler.Audio.Select(a => (long)a[0]).ToArray();

    [Fact]
    public void InOrderChunksPassStraightThrough()
    {
        var (handler, buffer) = Create();
        using var _ = buffer;
        buffer.Push(1, [1], handler);
        Assert.Single(handler.Audio);
        Push(buffer, handler, 2, 3, 4);
        Assert.Equal([1, 2, 3, 4], Delivered(handler));
        Assert.Equal(0, buffer.Reordered);
    }

    [Fact]
    public void SwappedChunksAreRestored()
    {
        var (handler, buffer) = Create();
        using var _ = buffer;
        Push(buffer, handler, 1, 3, 2, 5, 4, 6);
        Assert.Equal([1, 2, 3, 4, 5, 6], Delivered(handler));
        Assert.Equal(2, buffer.Reordered);
        Assert.Equal(0, buffer.Skipped);
    }

    [Fact]
    public void ALostChunkIsGivenUpWhenTheWindowFillsAndOrderResumesAtOnce()
    {
        var (handler, buffer) = Create(window: 3);
        using var _ = buffer;
        Push(buffer, handler, 1, 3, 4);
        Assert.Equal([1], Delivered(handler));
        Push(buffer, handler, 5);
        Assert.Equal([1, 3, 4, 5], Delivered(handler));
        Assert.Equal(1, buffer.Skipped);

        // After the gap there is no standing delay, and the lost chunk arriving now is dropped as late.
        Push(buffer, handler, 6, 2, 7);
        Assert.Equal([1, 3, 4, 5, 6, 7], Delivered(handler));
        Assert.Equal(1, buffer.Late);
    }

    [Fact]
    public void TheFirstChunksMayArriveSwapped()
    {
        var (handler, buffer) = Create();
        using var _ = buffer;
        Push(buffer, handler, 2, 1, 4, 3);
        Assert.Equal([1, 2, 3, 4], Delivered(handler));
    }

    [Fact]
    public void AStreamJoinedLateStartsAtItsFirstChunk()
    {
        var (handler, buffer) = Create();
        using var _ = buffer;
        Push(buffer, handler, 500, 501);
        Assert.Equal([500, 501], Delivered(handler));
    }

    [Fact]
    public void DuplicatesAreDropped()
    {
        var (handler, buffer) = Create();
        using var _ = buffer;
        Push(buffer, handler, 1, 1, 3, 3, 2, 2);
        Assert.Equal([1, 2, 3], Delivered(handler));
        Assert.Equal(3, buffer.Late);
    }

    [Fact]
    public void AJumpFarAheadFlushesAndRestarts()
    {
        var (handler, buffer) = Create();
        using var _ = buffer;
        Push(buffer, handler, 1, 3, 1000, 1001);
        Assert.Equal([1, 3, 1000, 1001], Delivered(handler));
    }

    [Fact]
    public void FlushDeliversHeldChunksInOrder()
    {
        var (handler, buffer) = Create(window: 4);
        using var _ = buffer;
        Push(buffer, handler, 1, 4, 3);
        buffer.Flush(handler);
        Assert.Equal([1, 3, 4], Delivered(handler));
    }

    [Fact]
    public void UnnumberedChunksAreDeliveredAsTheyCome()
    {
        var (handler, buffer) = Create();
        using var _ = buffer;
        Push(buffer, handler, -1, -1);
        Assert.Equal(2, handler.Audio.Count);
    }
}
