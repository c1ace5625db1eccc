using PhoneBridge.Core.Recording;
using PhoneBridge.Testing.Recording;

namespace PhoneBridge.Core.Tests.Recording;

public sealed class StereoTimelineTests
{
    private const int Samples = 4;

    [Fact]
    public void Distinct_signals_on_each_side_land_on_their_own_channel()
    {
        const int frameSamples = 160;
        var caller = new FrameQueue(100, frameSamples);
        var heard = new FrameQueue(100, frameSamples);
        using var stream = new MemoryStream();
        using var wav = new StereoWavWriter(stream, 8000, frameSamples);
        var timeline = new StereoTimeline(startTick: 0, frameSamples);

        for (var tick = 0; tick < 100; tick++)
        {
            // The heard frame of a tick arrives before or after the caller's, as threads do.
            if (tick % 2 == 0)
            {
                heard.TryEnqueue(Signals.Sine(1300, 8000, frameSamples, tick * frameSamples), tick);
                caller.TryEnqueue(Signals.Sine(440, 8000, frameSamples, tick * frameSamples), tick);
            }
            else
            {
                caller.TryEnqueue(Signals.Sine(440, 8000, frameSamples, tick * frameSamples), tick);
                heard.TryEnqueue(Signals.Sine(1300, 8000, frameSamples, tick * frameSamples), tick + 1);
            }

            if (tick % 10 == 9)
            {
                timeline.Drain(caller, heard, wav, final: false);
            }
        }

        timeline.Drain(caller, heard, wav, final: true);
        wav.Commit();
        var read = RecordedWav.Parse(stream.ToArray());

        var callerSignal = Signals.Sine(440, 8000, 100 * frameSamples);
        var heardSignal = Signals.Sine(1300, 8000, 100 * frameSamples);
        Assert.True(Signals.Correlation(read.Left.AsSpan(0, callerSignal.Length), callerSignal) > 0.99);
        Assert.True(Math.Abs(Signals.Correlation(read.Left.AsSpan(0, callerSignal.Length), heardSignal)) < 0.05);

        // Frames stamped one tick late play one frame late: the right channel is the heard signal, 0 or 1 frame behind.
        Assert.True(Signals.BestCorrelation(read.Right, heardSignal[..(50 * frameSamples)], at: 0, maxLag: frameSamples) > 0.6);
        Assert.True(Math.Abs(Signals.Correlation(read.Right.AsSpan(0, callerSignal.Length), callerSignal)) < 0.05);
    }

    [Fact]
    public void A_caller_frame_the_queue_dropped_is_silence_in_its_place_and_nothing_shifts()
    {
        var (caller, heard, timeline) = Timeline(startTick: 100);
        caller.TryEnqueue(Frame(1), 100);
        caller.TryEnqueue(Frame(3), 102); // tick 101 was dropped

        var read = Run(timeline, caller, heard, final: false);

        Assert.Equal([.. Frame(1), .. Frame(0), .. Frame(3)], read.Left);
        Assert.Equal(new short[3 * Samples], read.Right);
    }

    [Fact]
    public void Heard_frames_play_from_their_tick_one_per_tick_and_silence_fills_the_gaps()
    {
        var (caller, heard, timeline) = Timeline(startTick: 0);

        // A burst of three at tick 1 plays over ticks 1-3 (as the phone's paced playout plays it); one at tick 5 at 5.
        heard.TryEnqueue(Frame(7), 1);
        heard.TryEnqueue(Frame(8), 1);
        heard.TryEnqueue(Frame(9), 1);
        heard.TryEnqueue(Frame(6), 5);
        for (var tick = 0; tick < 7; tick++)
        {
            caller.TryEnqueue(Frame(1), tick);
        }

        var read = Run(timeline, caller, heard, final: false);

        Assert.Equal([.. Frame(0), .. Frame(7), .. Frame(8), .. Frame(9), .. Frame(0), .. Frame(6), .. Frame(0)], read.Right);
    }

    [Fact]
    public void At_the_end_heard_frames_after_the_last_caller_frame_are_kept_beside_silence()
    {
        var (caller, heard, timeline) = Timeline(startTick: 0);
        caller.TryEnqueue(Frame(1), 0);
        heard.TryEnqueue(Frame(5), 1);
        heard.TryEnqueue(Frame(6), 1);

        var kept = Run(timeline, caller, heard, final: false);
        Assert.Equal(Frame(0), kept.Right);

        var (caller2, heard2, timeline2) = Timeline(startTick: 0);
        caller2.TryEnqueue(Frame(1), 0);
        heard2.TryEnqueue(Frame(5), 1);
        heard2.TryEnqueue(Frame(6), 1);
        var final = Run(timeline2, caller2, heard2, final: true);
        Assert.Equal([.. Frame(1), .. Frame(0), .. Frame(0)], final.Left);
        Assert.Equal([.. Frame(0), .. Frame(5), .. Frame(6)], final.Right);
    }

    private static short[] Frame(short value) => Enumerable.Repeat(value, Samples).ToArray();

    private static (FrameQueue Caller, FrameQueue Heard, StereoTimeline Timeline) Timeline(long startTick) =>
        (new FrameQueue(16, Samples), new FrameQueue(16, Samples), new StereoTimeline(startTick, Samples));

    private static RecordedWav Run(StereoTimeline timeline, FrameQueue caller, FrameQueue heard, bool final)
    {
        using var stream = new MemoryStream();
        using var wav = new StereoWavWriter(stream, 8000, Samples);
        timeline.Drain(caller, heard, wav, final);
        wav.Commit();
        return RecordedWav.Parse(stream.ToArray());
    }
}
