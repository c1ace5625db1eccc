using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Audio;
using PhoneBridge.Stream.Edge;

namespace PhoneBridge.Stream.Tests.Edge;

public class RemoteAudioMixerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<short[]> _out = [];
    private int _resumed;

    private RemoteAudioMixer Mixer() => new(8000, TimeSpan.FromMilliseconds(300), _time, new Recorder(_out), () => _resumed++);

    private static short[] Frame(short value) => Enumerable.Repeat(value, 160).ToArray();

    [Fact]
    public void One_track_passes_straight_through()
    {
        var mixer = Mixer();

        mixer.OnFrame("a", Frame(1000));
        _time.Advance(TimeSpan.FromMilliseconds(20));
        mixer.OnFrame("a", Frame(-500));

        Assert.Equal(2, _out.Count);
        Assert.All(_out[0], s => Assert.Equal(1000, s));
        Assert.All(_out[1], s => Assert.Equal(-500, s));
    }

    [Fact]
    public void Two_active_tracks_are_summed_with_clipping()
    {
        var mixer = Mixer();
        for (var round = 0; round < 3; round++)
        {
            mixer.OnFrame("a", Frame(0));
            mixer.OnFrame("b", Frame(0));
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }

        _out.Clear();
        mixer.OnFrame("b", Frame(30000));
        mixer.OnFrame("a", Frame(30000));
        _time.Advance(TimeSpan.FromMilliseconds(20));
        mixer.OnFrame("b", Frame(1000));
        mixer.OnFrame("a", Frame(2000));

        // One output per round; the second round's frames are summed (30000 + 30000 clips).
        Assert.Equal(3, _out.Count);
        Assert.All(_out[1], s => Assert.Equal(short.MaxValue, s));
        Assert.All(_out[2], s => Assert.Equal(3000, s));
    }

    [Fact]
    public void A_track_that_went_quiet_does_not_hold_the_mix()
    {
        var mixer = Mixer();
        mixer.OnFrame("a", Frame(100));
        mixer.OnFrame("b", Frame(100));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _out.Clear();

        mixer.OnFrame("a", Frame(700));

        // The stale half-mixed frame goes out on its own; the new frame is not held back or polluted.
        Assert.All(_out[^1], s => Assert.Equal(700, s));
        Assert.All(_out[^2], s => Assert.Equal(100, s));
    }

    [Fact]
    public void Audio_after_a_silent_gap_raises_resumed_once()
    {
        var mixer = Mixer();
        mixer.OnFrame("a", Frame(5000));
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            mixer.OnFrame("a", Frame(0));
        }

        Assert.Equal(0, _resumed);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        mixer.OnFrame("a", Frame(5000));
        _time.Advance(TimeSpan.FromMilliseconds(20));
        mixer.OnFrame("a", Frame(5000));

        Assert.Equal(1, _resumed);
    }

    private sealed class Recorder(List<short[]> frames) : IAudioFrameSink
    {
        public void OnFrame(ReadOnlySpan<short> frame) => frames.Add(frame.ToArray());
    }
}
