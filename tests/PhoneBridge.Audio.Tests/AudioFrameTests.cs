namespace PhoneBridge.Audio.Tests;

public sealed class AudioFrameTests
{
    [Theory]
    [InlineData(8000, 160, 320)]
    [InlineData(16000, 320, 640)]
    [InlineData(48000, 960, 1920)]
    public void Sizes_at_the_rates_the_bridge_uses(int rate, int samples, int bytes)
    {
        Assert.Equal(samples, AudioFrame.SamplesAt(rate));
        Assert.Equal(bytes, AudioFrame.BytesAt(rate));
    }

    [Fact]
    public void Opus_rtp_clock_advances_960_ticks_per_frame() => Assert.Equal(960u, AudioFrame.RtpTicksAt(48000));

    [Fact]
    public void Fifty_frames_make_a_second()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), AudioFrame.DurationOf(AudioFrame.PerSecond));
        Assert.Equal(TimeSpan.FromMilliseconds(20), AudioFrame.Duration);
    }
}
