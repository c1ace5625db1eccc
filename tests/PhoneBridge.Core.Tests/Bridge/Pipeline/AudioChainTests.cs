using PhoneBridge.Core.Bridge.Pipeline;

namespace PhoneBridge.Core.Tests.Bridge.Pipeline;

public class AudioChainTests
{
    [Fact]
    public void A_frame_passes_each_stage_once_in_the_order_given()
    {
        var log = new List<string>();
        var end = new CollectingStage();
        var chain = new AudioChain("source", new RecordingStage("a", log), new RecordingStage("b", log), new RecordingStage("c", log), end);

        chain.Input.OnFrame(BridgeHarness.Frame(7));

        Assert.Equal(["a:7", "b:7", "c:7"], log);
        Assert.Equal([BridgeHarness.Frame(7)], end.Frames);
        Assert.Equal(["a", "b", "c", "end"], chain.Stages.Select(s => s.Name));
        Assert.Equal("source → a → b → c → end", chain.Description);
    }

    [Fact]
    public void A_stage_inserted_in_the_chain_sees_every_frame_and_changes_nothing_downstream()
    {
        var log = new List<string>();
        var plainEnd = new CollectingStage();
        var plain = new AudioChain("source", new RecordingStage("gate", log), plainEnd);
        var tap = new RecordingStage("tap", log);
        var tappedEnd = new CollectingStage();
        var tapped = new AudioChain("source", new RecordingStage("gate", log), tap, tappedEnd);

        for (var i = 0; i < 50; i++)
        {
            plain.Input.OnFrame(BridgeHarness.Frame(i));
            tapped.Input.OnFrame(BridgeHarness.Frame(i));
        }

        Assert.Equal(50, tap.Frames);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"tap:{i}"), log.Where(l => l.StartsWith("tap:", StringComparison.Ordinal)));
        Assert.Equal(plainEnd.Frames, tappedEnd.Frames);
        Assert.Equal("source → gate → tap → end", tapped.Description);
    }

    [Fact]
    public void A_chain_needs_at_least_one_stage()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioChain("source"));
        Assert.Throws<ArgumentException>(() => new AudioChain("", new CollectingStage()));
    }
}
