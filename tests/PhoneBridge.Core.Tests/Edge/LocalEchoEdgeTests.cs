using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Tests.Bridge;

namespace PhoneBridge.Core.Tests.Edge;

public class LocalEchoEdgeTests
{
    [Fact]
    public async Task WithoutDelayEveryFrameComesStraightBack()
    {
        var handler = new RecordingHandler();
        await using var session = await Join(TimeSpan.Zero, handler);

        session.OnFrame(BridgeHarness.Frame(3));
        Assert.Equal(BridgeHarness.Frame(3), Assert.Single(handler.Frames));
    }

    [Theory]
    [InlineData(60, 3)]
    [InlineData(50, 3)]
    [InlineData(45, 2)]
    [InlineData(20, 1)]
    public async Task DelayIsWholeFramesClockedByIncomingAudio(int delayMs, int frames)
    {
        var handler = new RecordingHandler();
        await using var session = await Join(TimeSpan.FromMilliseconds(delayMs), handler);

        for (var i = 0; i < frames; i++)
        {
            session.OnFrame(BridgeHarness.Frame(i));
            Assert.Empty(handler.Frames);
        }

        for (var i = frames; i < frames + 5; i++)
        {
            session.OnFrame(BridgeHarness.Frame(i));
            Assert.Equal(BridgeHarness.Frame(i - frames), handler.Frames[^1]);
        }

        Assert.Equal(5, handler.Frames.Count);
    }

    [Fact]
    public async Task EchoedG711BytesEqualTheSentBytes()
    {
        var handler = new RecordingHandler();
        await using var session = await Join(TimeSpan.FromMilliseconds(40), handler);

        var random = new Random(7);
        var sent = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            var wire = new byte[160];
            random.NextBytes(wire);
            sent.Add(wire);
            var pcm = new short[160];
            G711.MuLawDecode(wire, pcm);
            session.OnFrame(pcm);
        }

        Assert.Equal(8, handler.Frames.Count);
        for (var i = 0; i < 8; i++)
        {
            var back = new byte[160];
            G711.MuLawEncode(handler.Frames[i], back);

            // μ-law −0 (0x7F) decodes to 0 and comes back as +0 (0xFF); every other code is exact.
            var expected = sent[i].Select(b => b == 0x7F ? (byte)0xFF : b).ToArray();
            Assert.Equal(expected, back);
        }
    }

    [Fact]
    public async Task FramesLargerThanASlotAreEchoedInPieces()
    {
        var handler = new RecordingHandler();
        await using var session = await Join(TimeSpan.FromMilliseconds(20), handler);
        var big = Enumerable.Range(0, 1000).Select(i => (short)i).ToArray();
        session.OnFrame(big);
        session.OnFrame(BridgeHarness.Frame(5));
        Assert.Equal(big.Take(640), handler.Frames.SelectMany(f => f).Take(640));
        Assert.Equal(big.Skip(640), handler.Frames.Skip(1).Single());
    }

    [Fact]
    public async Task CompletesOnLeaveAndStopsEchoing()
    {
        var handler = new RecordingHandler();
        var session = await Join(TimeSpan.Zero, handler);
        Assert.False(session.Completion.IsCompleted);

        await session.LeaveAsync(CancellationToken.None);
        await session.Completion.WaitAsync(TestTimeouts.Wait);
        await session.LeaveAsync(CancellationToken.None);

        session.OnFrame(BridgeHarness.Frame(1));
        Assert.Empty(handler.Frames);
        await session.DisposeAsync();
    }

    [Fact]
    public async Task CompletesOnDispose()
    {
        var session = await Join(TimeSpan.Zero, new RecordingHandler());
        await session.DisposeAsync();
        await session.Completion.WaitAsync(TestTimeouts.Wait);
    }

    [Fact]
    public void RejectsOutOfRangeDelay()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalEchoEdge(
            Options.Create(new EchoEdgeOptions { Delay = TimeSpan.FromSeconds(-1) }), NullLogger<LocalEchoEdge>.Instance));
    }

    [Fact]
    public async Task BridgedCallerHearsThemselves()
    {
        var edge = new LocalEchoEdge(Options.Create(new EchoEdgeOptions { Delay = TimeSpan.FromMilliseconds(40) }), NullLogger<LocalEchoEdge>.Instance);
        using var h = new BridgeHarness(edge);
        var run = h.Attach();
        var phone = await h.StartAsync(PhoneAudioFormat.L16_16k);

        // The frames may arrive before or after the echo session is live; either way they come back
        // in order (the early buffer holds 200 ms, more than sent here).
        for (var i = 0; i < 6; i++)
        {
            phone.CallerAudio.OnFrame(BridgeHarness.Frame(i + 1, 320));
        }

        for (var i = 0; i < 4; i++)
        {
            var echoed = await h.Phone.Sent.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Wait);
            Assert.Equal(BridgeHarness.Frame(i + 1, 320), echoed);
        }

        h.Phone.Stop();
        await run.WaitAsync(TestTimeouts.Wait);
        Assert.False(h.Phone.Sent.Reader.TryRead(out _));
    }

    private static async Task<IEdgeSession> Join(TimeSpan delay, IEdgeSessionHandler handler)
    {
        var edge = new LocalEchoEdge(Options.Create(new EchoEdgeOptions { Delay = delay }), NullLogger<LocalEchoEdge>.Instance);
        Assert.Equal("local", edge.Name);
        return await edge.JoinAsync(new EdgeJoinRequest("call", "phone", "Phone", 8000), handler, CancellationToken.None);
    }

    private sealed class RecordingHandler : IEdgeSessionHandler, IAudioFrameSink
    {
        public IAudioFrameSink RemoteAudio => this;

        public List<short[]> Frames { get; } = [];

        public void OnFrame(ReadOnlySpan<short> pcm) => Frames.Add(pcm.ToArray());

        public void OnRemoteAudioResumed()
        {
        }

        public void OnHangupRequested(string reason)
        {
        }
    }
}
