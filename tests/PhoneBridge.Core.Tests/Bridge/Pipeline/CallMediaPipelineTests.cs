using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Bridge.Pipeline;

namespace PhoneBridge.Core.Tests.Bridge.Pipeline;

public class CallMediaPipelineTests
{
    [Fact]
    public void Both_directions_are_built_from_their_named_stages_in_order()
    {
        using var counters = new BridgeCounters();
        var pipeline = new CallMediaPipeline(new FakePhone(), counters);

        Assert.Equal(
            ["call-open", "count-from-phone", "level-from-phone", "edge-silence-fill", "record-caller", "listen-caller", "hold-gate", "early-audio", "edge-publish"],
            pipeline.PhoneToEdge.Stages.Select(s => s.Name));
        Assert.Equal(["call-open", "hold-audio", "dtmf-tones", "record-heard", "listen-heard", "count-to-phone", "level-to-phone", "phone-playout"], pipeline.EdgeToPhone.Stages.Select(s => s.Name));
        Assert.Equal(
            "provider-decode → call-open → count-from-phone → level-from-phone → edge-silence-fill → record-caller → listen-caller → hold-gate → early-audio → edge-publish",
            pipeline.PhoneToEdge.Description);
        Assert.Equal("remote-mix → call-open → hold-audio → dtmf-tones → record-heard → listen-heard → count-to-phone → level-to-phone → phone-playout", pipeline.EdgeToPhone.Description);
        Assert.Same(pipeline.EarlyAudio, pipeline.PhoneToEdge.Stages[7]);
        Assert.Same(pipeline.EdgePublish, pipeline.PhoneToEdge.Stages[8]);
    }

    [Fact]
    public void Each_frame_reaches_the_other_side_once_and_is_counted_once()
    {
        using var counters = new BridgeCounters();
        var phone = new FakePhone();
        var pipeline = new CallMediaPipeline(phone, counters);
        var session = new FakeEdgeSession(null!);
        pipeline.EarlyAudio.Start(160, TimeSpan.FromMilliseconds(200));
        pipeline.EdgePublish.Attach(session);
        pipeline.EarlyAudio.GoLive();

        for (var i = 0; i < 5; i++)
        {
            pipeline.PhoneToEdge.Input.OnFrame(BridgeHarness.Frame(i));
            pipeline.EdgeToPhone.Input.OnFrame(BridgeHarness.Frame(100 + i));
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => BridgeHarness.Frame(i)), Drain(session.Received.Reader));
        Assert.Equal(Enumerable.Range(100, 5).Select(i => BridgeHarness.Frame(i)), Drain(phone.Sent.Reader));
        Assert.Equal(5, counters.FramesFromPhone);
        Assert.Equal(5, counters.FramesToPhone);
    }

    [Fact]
    public void Once_closed_neither_direction_passes_or_counts_a_frame()
    {
        using var counters = new BridgeCounters();
        var phone = new FakePhone();
        var pipeline = new CallMediaPipeline(phone, counters);
        var session = new FakeEdgeSession(null!);
        pipeline.EdgePublish.Attach(session);
        pipeline.EarlyAudio.GoLive();

        pipeline.Close();
        pipeline.PhoneToEdge.Input.OnFrame(BridgeHarness.Frame(1));
        pipeline.EdgeToPhone.Input.OnFrame(BridgeHarness.Frame(2));

        Assert.True(pipeline.IsClosed);
        Assert.Empty(Drain(session.Received.Reader));
        Assert.Empty(Drain(phone.Sent.Reader));
        Assert.Equal(0, counters.FramesFromPhone);
        Assert.Equal(0, counters.FramesToPhone);
        Assert.Equal(0, counters.FramesDropped);
    }

    private static List<short[]> Drain(System.Threading.Channels.ChannelReader<short[]> reader)
    {
        var frames = new List<short[]>();
        while (reader.TryRead(out var frame))
        {
            frames.Add(frame);
        }

        return frames;
    }
}
