using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Bridge.Pipeline;

namespace PhoneBridge.Core.Tests.Bridge.Pipeline;

public sealed class EarlyAudioBufferTests : IDisposable
{
    private readonly BridgeCounters _counters = new();
    private readonly CollectingStage _next = new();
    private readonly EarlyAudioBuffer _buffer;

    public EarlyAudioBufferTests()
    {
        _buffer = new EarlyAudioBuffer(_counters);
        _ = new AudioChain("test", _buffer, _next);
    }

    public void Dispose() => _counters.Dispose();

    [Fact]
    public void Holds_the_newest_frames_until_live_then_forwards_them_oldest_first_and_passes_the_rest_through()
    {
        _buffer.Start(160, TimeSpan.FromMilliseconds(60));
        for (var i = 0; i < 5; i++)
        {
            _buffer.OnFrame(BridgeHarness.Frame(i));
        }

        Assert.Empty(_next.Frames);
        Assert.Equal(2, _buffer.DroppedFrames);
        Assert.Equal(2, _counters.FramesDropped);

        Assert.Equal(480, _buffer.GoLive());
        _buffer.OnFrame(BridgeHarness.Frame(5));

        Assert.Equal([BridgeHarness.Frame(2), BridgeHarness.Frame(3), BridgeHarness.Frame(4), BridgeHarness.Frame(5)], _next.Frames);
    }

    [Fact]
    public void Held_audio_goes_out_in_the_phone_frame_size_whatever_size_it_came_in()
    {
        _buffer.Start(160, TimeSpan.FromMilliseconds(40));
        var pcm = Enumerable.Range(0, 300).Select(i => (short)i).ToArray();
        _buffer.OnFrame(pcm.AsSpan(0, 100));
        _buffer.OnFrame(pcm.AsSpan(100, 200));

        Assert.Equal(300, _buffer.GoLive());

        Assert.Equal([pcm[..160], pcm[160..300]], _next.Frames);
        Assert.Equal(0, _buffer.DroppedFrames);
    }

    [Fact]
    public void Audio_before_start_or_without_a_buffer_is_dropped_and_counted()
    {
        _buffer.OnFrame(BridgeHarness.Frame(1));
        _buffer.Start(160, TimeSpan.Zero);
        _buffer.OnFrame(BridgeHarness.Frame(2));

        Assert.Equal(0, _buffer.GoLive());
        Assert.Empty(_next.Frames);
        Assert.Equal(2, _buffer.DroppedFrames);
        Assert.Equal(2, _counters.FramesDropped);
    }

    [Fact]
    public void After_release_nothing_is_forwarded_and_later_audio_counts_as_dropped()
    {
        _buffer.Start(160, TimeSpan.FromMilliseconds(200));
        _buffer.GoLive();
        _buffer.OnFrame(BridgeHarness.Frame(1));

        _buffer.Release();
        _buffer.OnFrame(BridgeHarness.Frame(2));

        Assert.Equal([BridgeHarness.Frame(1)], _next.Frames);
        Assert.Equal(1, _buffer.DroppedFrames);
    }
}
