using PhoneBridge.Rtc.Ice;
using static PhoneBridge.Rtc.Tests.Ice.IceTestHelpers;

namespace PhoneBridge.Rtc.Tests.Ice;

[CollectionDefinition(nameof(AllocationMeasurement), DisableParallelization = true)]
public sealed class AllocationMeasurement;

/// <summary>The media path (send over the selected pair, receive loop, source check, handler) must not allocate per datagram.</summary>
[Collection(nameof(AllocationMeasurement))]
public class IceAllocationTests
{
    private sealed class CountingHandler : IIceDataHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void OnData(ReadOnlySpan<byte> datagram) => Interlocked.Increment(ref _count);
    }

    [Fact]
    public async Task DataPath_DoesNotAllocatePerDatagram()
    {
        await using var a = CreateAgent(controlling: true);
        await using var b = CreateAgent(controlling: false);
        var handler = new CountingHandler();
        b.DataHandler = handler;
        await ConnectAsync(a, b);
        var packet = new byte[172];
        packet[0] = 0x80;

        // Warm up pools and the socket's cached async state.
        for (var i = 0; i < 200; i++)
        {
            await a.SendAsync(packet, CancellationToken.None);
        }

        await WaitForAsync(() => handler.Count >= 150, "warm-up datagrams");
        await Task.Delay(200);
        const int Batches = 60;
        const int BatchSize = 50;
        const int Packets = Batches * BatchSize;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var target = handler.Count;
        var deadline = DateTime.UtcNow + TestTimeout;
        for (var batch = 0; batch < Batches; batch++)
        {
            for (var i = 0; i < BatchSize; i++)
            {
                await a.SendAsync(packet, CancellationToken.None);
            }

            // Paced so the socket buffer never overflows; Thread.Sleep keeps the measuring loop itself allocation-free.
            target += BatchSize;
            while (handler.Count < target && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }
        }

        Assert.True(handler.Count >= target, $"only {handler.Count} of {target} datagrams arrived");
        var perPacket = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Packets;

        // Timers, consent and the test's own awaits allocate a little; a per-packet buffer or endpoint would be ≥ 100 bytes.
        Assert.True(perPacket < 48, $"{perPacket:F1} bytes allocated per datagram");
    }
}
