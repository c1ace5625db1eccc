using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Measurement;

namespace PhoneBridge.Integration.Tests.Simulator;

public class MarkerMatcherTests
{
    private const int Period = 10;
    private readonly FakeTimeProvider _time = new();
    private readonly CallerAudio _audio = CallerAudio.MarkerSignal(TimeSpan.FromSeconds(2), Period);

    [Fact]
    public void MarkerSignalIsQuietExceptOneLoudFramePerPeriod()
    {
        for (var i = 0; i < _audio.FrameCount; i++)
        {
            var pcm = new short[160];
            G711.MuLawDecode(_audio.Frame(i), pcm);
            var peak = pcm.Max(s => Math.Abs((int)s));
            Assert.True(i % Period == 0 ? peak >= MarkerMatcher.Threshold : peak < MarkerMatcher.Threshold / 2, $"frame {i} peak {peak}");
        }
    }

    [Fact]
    public void EchoThroughALossyPathGivesEachMarkersRoundTrip()
    {
        var matcher = new MarkerMatcher(_time, TimeSpan.FromMilliseconds(Period * 20));
        Run(matcher, frames: 40, delayFrames: 2, dropMarker: -1);

        Assert.Equal(4, matcher.MarkersSent);
        Assert.Equal(1, matcher.MarkersBeforeAudio); // the first marker left before anything came back
        Assert.Equal(3, matcher.MarkersHeard);
        Assert.Equal(0, matcher.MarkersLost);
        Assert.Equal(TimeSpan.FromMilliseconds(40), matcher.Latencies.Percentile(50));
        Assert.Equal(TimeSpan.FromMilliseconds(40), matcher.Latencies.Max);
    }

    [Fact]
    public void ALostMarkerCountsOnceAndDoesNotShiftTheNextPairs()
    {
        var matcher = new MarkerMatcher(_time, TimeSpan.FromMilliseconds(Period * 20));
        Run(matcher, frames: 60, delayFrames: 2, dropMarker: 20);
        matcher.Flush();

        Assert.Equal(6, matcher.MarkersSent);
        Assert.Equal(4, matcher.MarkersHeard);
        Assert.Equal(1, matcher.MarkersLost);
        Assert.Equal(TimeSpan.FromMilliseconds(40), matcher.Latencies.Max);
    }

    /// <summary>Sends <paramref name="frames"/> frames every 20 ms; each comes back <paramref name="delayFrames"/> later at
    /// 90 % level (a codec changes the bytes), except frame <paramref name="dropMarker"/>, which comes back silent.</summary>
    private void Run(MarkerMatcher matcher, int frames, int delayFrames, int dropMarker)
    {
        var pcm = new short[160];
        var echo = new byte[160];
        for (var i = 0; i < frames + delayFrames; i++)
        {
            if (i < frames)
            {
                matcher.OnSent(_audio.Frame(i), _time.GetTimestamp());
            }

            var back = i - delayFrames;
            if (back >= 0)
            {
                G711.MuLawDecode(_audio.Frame(back), pcm);
                for (var k = 0; k < pcm.Length; k++)
                {
                    pcm[k] = back == dropMarker ? (short)0 : (short)(pcm[k] * 9 / 10);
                }

                G711.MuLawEncode(pcm, echo);
                matcher.OnReceived(echo);
            }

            _time.Advance(TimeSpan.FromMilliseconds(20));
        }
    }
}
