using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Bridge.Pipeline;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Tests.Bridge.Pipeline;

public class LevelMeterTests
{
    [Fact]
    public void The_level_is_the_frames_rms_over_full_scale()
    {
        Assert.Equal(0f, LevelMeter.Rms(new short[160]));
        Assert.Equal(0f, LevelMeter.Rms([]));
        Assert.Equal(0.5f, LevelMeter.Rms(Enumerable.Repeat((short)16384, 160).ToArray()), 3);
        Assert.Equal(1f, LevelMeter.Rms(Enumerable.Repeat(short.MinValue, 160).ToArray()), 3);

        var sine = Enumerable.Range(0, 160).Select(n => (short)(32767 * Math.Sin(2 * Math.PI * 400 * n / 8000))).ToArray();
        Assert.Equal(Math.Sqrt(0.5), LevelMeter.Rms(sine), 2);
    }

    [Fact]
    public void Both_directions_store_their_level_in_the_calls_quality_and_the_first_caller_frame_is_told_once()
    {
        using var counters = new BridgeCounters();
        var quality = new CallQuality();
        var first = 0;
        var pipeline = new CallMediaPipeline(new FakePhone(), counters, quality: quality, firstAudio: () => first++);
        pipeline.Start(PhoneBridge.Core.Phone.PhoneAudioFormat.MuLaw8k);

        var loud = Enumerable.Repeat((short)8192, 160).ToArray();
        var quiet = Enumerable.Repeat((short)-328, 160).ToArray();
        pipeline.PhoneToEdge.Input.OnFrame(loud);
        pipeline.PhoneToEdge.Input.OnFrame(loud);
        pipeline.EdgeToPhone.Input.OnFrame(quiet);

        Assert.Equal(0.25f, quality.LevelFromPhone, 3);
        Assert.Equal(0.01f, quality.LevelToPhone, 3);
        Assert.Equal(1, first);

        pipeline.PhoneToEdge.Input.OnFrame(new short[160]);
        Assert.Equal(0f, quality.LevelFromPhone);
    }
}
