using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Measurement;

namespace PhoneBridge.Integration.Tests.Simulator;

public class FrameMatcherTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CallerAudio _audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(1));

    [Fact]
    public void AnEchoedFrameGivesItsRoundTrip()
    {
        var matcher = new FrameMatcher(_time);
        matcher.OnSent(_audio.Frame(0), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(37));

        matcher.OnReceived(_audio.Frame(0));

        Assert.Equal(1, matcher.FramesMatched);
        Assert.Equal(0, matcher.FramesPending);
        Assert.Equal(TimeSpan.FromMilliseconds(37), matcher.Latencies.Percentile(50));
    }

    [Fact]
    public void ReChunkedAndShiftedEchoStillMatches()
    {
        var matcher = new FrameMatcher(_time);
        var sent = new List<byte>();
        for (var i = 0; i < 10; i++)
        {
            matcher.OnSent(_audio.Frame(i), _time.GetTimestamp());
            sent.AddRange(_audio.Frame(i).ToArray());
            _time.Advance(TimeSpan.FromMilliseconds(20));
        }

        // The far end inserts 40 bytes of its own silence, then returns the audio in 100-byte pieces.
        var returned = Enumerable.Repeat(G711.MuLawSilence, 40).Concat(sent).ToArray();
        foreach (var piece in returned.Chunk(100))
        {
            matcher.OnReceived(piece);
        }

        matcher.Flush();
        Assert.Equal(10, matcher.FramesMatched);
        Assert.Equal(40, matcher.UnmatchedBytes);
    }

    [Fact]
    public void MinusZeroComesBackAsPlusZeroAndStillMatches()
    {
        var frame = _audio.Frame(3).ToArray();
        frame[5] = 0x7F; // μ-law -0: decodes to 0, which encodes back as 0xFF
        var matcher = new FrameMatcher(_time);
        matcher.OnSent(frame, _time.GetTimestamp());

        var echoed = new short[frame.Length];
        var reencoded = new byte[frame.Length];
        G711.MuLawDecode(frame, echoed);
        G711.MuLawEncode(echoed, reencoded);
        matcher.OnReceived(reencoded);

        Assert.Equal(1, matcher.FramesMatched);
    }

    [Fact]
    public void IdenticalFramesMatchInSendOrder()
    {
        var silence = Enumerable.Repeat(G711.MuLawSilence, 160).ToArray();
        var matcher = new FrameMatcher(_time);
        matcher.OnSent(silence, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(20));
        matcher.OnSent(silence, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(50));

        matcher.OnReceived(silence);
        matcher.OnReceived(silence);

        Assert.Equal(TimeSpan.FromMilliseconds(70), matcher.Latencies.Max);
        Assert.Equal(TimeSpan.FromMilliseconds(50), matcher.Latencies.Percentile(1));
    }

    [Fact]
    public void FramesThatNeverComeBackStayPending()
    {
        var matcher = new FrameMatcher(_time);
        matcher.OnSent(_audio.Frame(0), _time.GetTimestamp());
        matcher.OnSent(_audio.Frame(1), _time.GetTimestamp());
        matcher.OnReceived(_audio.Frame(1));
        matcher.Flush();

        Assert.Equal(1, matcher.FramesPending);
        Assert.Equal(1, matcher.FramesMatched);
    }

    [Fact]
    public void TestSignalFramesAreAllDifferent()
    {
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(31));
        var hashes = new HashSet<ulong>();
        for (var i = 0; i < audio.FrameCount; i++)
        {
            Assert.True(hashes.Add(FrameMatcher.Hash(audio.Frame(i))), $"frame {i} repeats an earlier one");
        }
    }
}
