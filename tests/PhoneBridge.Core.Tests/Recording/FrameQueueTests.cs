using PhoneBridge.Core.Recording;

namespace PhoneBridge.Core.Tests.Recording;

public sealed class FrameQueueTests
{
    [Fact]
    public void Frames_come_out_in_order_with_their_stamps_and_a_full_queue_drops_and_counts()
    {
        var queue = new FrameQueue(capacity: 3, frameSamples: 2);
        Assert.False(queue.TryPeek(out _, out _));

        Assert.True(queue.TryEnqueue([1, 1], 10));
        Assert.True(queue.TryEnqueue([2, 2], 11));
        Assert.True(queue.TryEnqueue([3, 3, 3, 3], 12)); // longer than a slot: cut to it
        Assert.False(queue.TryEnqueue([4, 4], 13));
        Assert.Equal(1, queue.Dropped);

        for (var expected = 1; expected <= 3; expected++)
        {
            Assert.True(queue.TryPeek(out var stamp, out var frame));
            Assert.Equal(9 + expected, stamp);
            Assert.Equal(new short[] { (short)expected, (short)expected }, frame.ToArray());
            queue.Release();
        }

        Assert.False(queue.TryPeek(out _, out _));
        Assert.True(queue.TryEnqueue([5], 14)); // the ring goes round
        Assert.True(queue.TryPeek(out var last, out var shortFrame));
        Assert.Equal((14L, 1), (last, shortFrame.Length));
    }

    [Fact]
    public async Task Two_producers_and_one_consumer_lose_nothing_the_queue_accepted()
    {
        const int perProducer = 20_000;
        var queue = new FrameQueue(capacity: 64, frameSamples: 1);
        var accepted = new long[2];
        var producers = Enumerable.Range(0, 2).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < perProducer; i++)
            {
                // The sample says who sent it; the stamp is the sender's sequence number.
                if (queue.TryEnqueue([(short)p], i))
                {
                    accepted[p]++;
                }
            }
        })).ToArray();

        var lastStamp = new long[] { -1, -1 };
        var received = new long[2];
        var all = Task.WhenAll(producers);
        while (!all.IsCompleted || queue.TryPeek(out _, out _))
        {
            while (queue.TryPeek(out var stamp, out var frame))
            {
                var producer = frame[0];
                Assert.True(stamp > lastStamp[producer]);
                lastStamp[producer] = stamp;
                received[producer]++;
                queue.Release();
            }

            await Task.Yield();
        }

        await all;
        Assert.Equal(accepted, received);
        Assert.Equal((2 * perProducer) - accepted.Sum(), queue.Dropped);
    }
}
