using PhoneBridge.Simulator.Measurement;

namespace PhoneBridge.Integration.Tests.Simulator;

public class LatencySamplesTests
{
    [Fact]
    public void PercentilesAreNearestRank()
    {
        var samples = new LatencySamples();
        for (var ms = 100; ms >= 1; ms--)
        {
            samples.Add(TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(50), samples.Percentile(50));
        Assert.Equal(TimeSpan.FromMilliseconds(99), samples.Percentile(99));
        Assert.Equal(TimeSpan.FromMilliseconds(100), samples.Max);
        Assert.Equal(TimeSpan.FromMilliseconds(1), samples.Percentile(0));
    }

    [Fact]
    public void NoSamplesNoPercentile() => Assert.Null(new LatencySamples().Percentile(50));
}
