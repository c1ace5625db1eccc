using System.Threading.Channels;
using PhoneBridge.Audio.Tones;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>Hold and DTMF asked through the call directory, as the management API does, on a bridged call.</summary>
public class CallMediaControlTests
{
    [Fact]
    public async Task The_live_call_holds_resumes_and_plays_digits_through_its_pipeline_until_the_call_ends()
    {
        var directory = new CallDirectory(new NullCallEventPublisher());
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge, directory: directory);
        Assert.True(directory.TryGet(h.Call.CallId, out var live));
        Assert.Null(live.Media);

        var run = h.Attach();
        var handler = await h.StartAsync();
        var session = await edge.Joined.WaitAsync(TestTimeouts.Wait);
        await GoLiveAsync(handler, session);
        Assert.NotNull(live.Media);

        // Held: nothing of the caller reaches the edge call, and the caller hears the hold audio while the edge is silent.
        Assert.True(live.SetHeld(true));
        for (var i = 0; i < 50; i++)
        {
            handler.CallerAudio.OnFrame(BridgeHarness.Frame(i + 1));
        }

        Assert.Empty(Drain(session.Received.Reader));
        var held = Drain(h.Phone.Sent.Reader);
        Assert.InRange(held.Count, 48, 50);
        Assert.True(held.SelectMany(f => f).Max(s => Math.Abs((int)s)) > 1000, "the hold audio is not silence");
        Assert.Equal(50, live.Media!.Stats.FramesHeld);

        // Resumed: both directions flow again.
        Assert.True(live.SetHeld(false));
        handler.CallerAudio.OnFrame(BridgeHarness.Frame(77));
        session.Handler.RemoteAudio.OnFrame(BridgeHarness.Frame(88));
        Assert.Equal([BridgeHarness.Frame(77)], Drain(session.Received.Reader));
        Assert.Equal([BridgeHarness.Frame(88)], Drain(h.Phone.Sent.Reader));

        // Digits: played to the caller, clocked by the caller's frames.
        Assert.True(live.Media.PlayDtmf("159#", 100));
        for (var i = 0; i < 50; i++)
        {
            handler.CallerAudio.OnFrame(BridgeHarness.Frame(0));
        }

        var detector = new DtmfDetector(8000);
        var keys = new List<char>();
        detector.KeyDetected += keys.Add;
        foreach (var frame in Drain(h.Phone.Sent.Reader))
        {
            detector.Process(frame);
        }

        Assert.Equal("159#", new string([.. keys]));
        var stats = live.Media.Stats;
        Assert.Equal(4, stats.DtmfTonesPlayed);
        Assert.True(stats.FramesFromPhone >= 101, $"{stats.FramesFromPhone} frames from the phone");
        Assert.True(stats.FramesToPhone >= 48 + 1 + 39, $"{stats.FramesToPhone} frames to the phone");

        h.Phone.Stop();
        await run.WaitAsync(TestTimeouts.Wait);
        Assert.Null(live.Media);
        Assert.False(directory.TryGet(h.Call.CallId, out _));
    }

    [Fact]
    public async Task A_hold_asked_before_the_media_stream_starts_applies_when_it_does()
    {
        var directory = new CallDirectory(new NullCallEventPublisher());
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge, directory: directory);
        Assert.True(directory.TryGet(h.Call.CallId, out var live));
        Assert.True(live.SetHeld(true));

        var run = h.Attach();
        var handler = await h.StartAsync();
        var session = await edge.Joined.WaitAsync(TestTimeouts.Wait);
        Assert.True(live.Media!.Stats is { FramesHeld: 0 });
        for (var i = 0; i < 30; i++)
        {
            handler.CallerAudio.OnFrame(BridgeHarness.Frame(5));
        }

        Assert.Equal(30, live.Media.Stats.FramesHeld);
        Assert.Empty(Drain(session.Received.Reader));
        Assert.InRange(Drain(h.Phone.Sent.Reader).Count, 28, 30);

        h.Phone.Stop();
        await run.WaitAsync(TestTimeouts.Wait);
    }

    [Fact]
    public async Task Remote_audio_resuming_does_not_clear_the_phone_buffer_while_tones_play()
    {
        var directory = new CallDirectory(new NullCallEventPublisher());
        var edge = new FakeEdge();
        using var h = new BridgeHarness(edge, directory: directory);
        Assert.True(directory.TryGet(h.Call.CallId, out var live));
        var run = h.Attach();
        var handler = await h.StartAsync();
        var session = await edge.Joined.WaitAsync(TestTimeouts.Wait);

        Assert.True(live.Media!.PlayDtmf("12", 100));
        session.Handler.OnRemoteAudioResumed();
        Assert.Equal(0, h.Phone.Clears);

        for (var i = 0; i < 30; i++)
        {
            handler.CallerAudio.OnFrame(BridgeHarness.Frame(0));
        }

        Assert.Equal(2, live.Media.Stats.DtmfTonesPlayed);
        session.Handler.OnRemoteAudioResumed();
        Assert.Equal(1, h.Phone.Clears);

        h.Phone.Stop();
        await run.WaitAsync(TestTimeouts.Wait);
    }

    /// <summary>Sends caller frames until the edge session gets one: early audio has been flushed.</summary>
    private static async Task GoLiveAsync(IPhoneStreamHandler handler, FakeEdgeSession session)
    {
        for (var i = 0; i < 3000; i++)
        {
            handler.CallerAudio.OnFrame(BridgeHarness.Frame(-1));
            if (session.Received.Reader.TryPeek(out _))
            {
                await Task.Delay(50);
                Drain(session.Received.Reader);
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail("the edge never went live");
    }

    private static List<short[]> Drain(ChannelReader<short[]> reader)
    {
        var frames = new List<short[]>();
        while (reader.TryRead(out var frame))
        {
            frames.Add(frame);
        }

        return frames;
    }
}
