using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NAudio.Wave;
using PhoneBridge.Core.Bridge.Hold;
using PhoneBridge.Core.Bridge.Pipeline;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Bridge.Hold;

public sealed class HoldAudioTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("phonebridge-hold-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void A_16_kHz_file_played_to_an_8_kHz_phone_is_resampled_and_loops()
    {
        // 300 ms of 500 Hz, then 200 ms of silence, at 16 kHz: 0.5 s a loop.
        var file = WriteWav("hold16k.wav", 16000, 1, n => n < 4800 ? 0.5 * Math.Sin(2 * Math.PI * 500 * n / 16000) : 0, 8000);
        var hold = HoldAudio.Load(file);
        Assert.Equal(TimeSpan.FromMilliseconds(500), hold.Duration);

        using var counters = new PhoneBridge.Core.Bridge.BridgeCounters();
        var phone = new FakePhone();
        var pipeline = new CallMediaPipeline(phone, counters, hold);
        pipeline.Start(PhoneAudioFormat.MuLaw8k);
        pipeline.Control.SetHeld(true);
        for (var i = 0; i < 151; i++)
        {
            pipeline.PhoneToEdge.Input.OnFrame(new short[160]);
        }

        var heard = new List<short>();
        while (phone.Sent.Reader.TryRead(out var frame))
        {
            heard.AddRange(frame);
        }

        // 150 frames of 160 samples: three seconds at 8 kHz, six loops.
        Assert.Equal(150 * 160, heard.Count);
        var loop = hold.CreateSource(8000).LoopSamples;
        Assert.InRange(loop, 3960, 4040);
        for (var n = 0; n + loop < heard.Count; n++)
        {
            Assert.Equal(heard[n], heard[n + loop]);
        }

        // The tone is still 500 Hz at the new rate (about 2 × 500 zero crossings a second), at its level.
        var tone = heard.Skip(200).Take(2000).ToArray();
        var crossings = tone.Zip(tone.Skip(1)).Count(p => (p.First < 0) != (p.Second < 0));
        Assert.InRange(crossings, 245, 255);
        Assert.InRange(tone.Max(s => (int)s), 15000, 17500);
        Assert.InRange(heard.Skip(2800).Take(1000).Max(s => Math.Abs((int)s)), 0, 300);
    }

    [Fact]
    public void A_stereo_float_file_is_mixed_to_mono()
    {
        var file = WriteWav("stereo.wav", 8000, 2, n => n % 2 == 0 ? 0.25 : -0.25, 1600, ieeeFloat: true);
        var source = HoldAudio.Load(file).CreateSource(8000);
        var frame = new short[160];
        source.Fill(frame);

        Assert.All(frame.Skip(40), s => Assert.InRange(s, -400, 400));
    }

    [Fact]
    public void A_G711_file_is_decoded()
    {
        var path = Path.Combine(_directory.FullName, "mulaw.wav");
        var pcm = Enumerable.Range(0, 8000).Select(n => (short)(10000 * Math.Sin(2 * Math.PI * 400 * n / 8000))).ToArray();
        var mulaw = new byte[pcm.Length];
        PhoneBridge.Audio.G711.MuLawEncode(pcm, mulaw);
        using (var writer = new WaveFileWriter(path, WaveFormat.CreateMuLawFormat(8000, 1)))
        {
            writer.Write(mulaw, 0, mulaw.Length);
        }

        var hold = HoldAudio.Load(path);
        var heard = new short[8000];
        hold.CreateSource(8000).Fill(heard);

        Assert.Equal(TimeSpan.FromSeconds(1), hold.Duration);
        Assert.All(heard.Zip(pcm).Skip(100).Take(7800), p => Assert.InRange(p.First - p.Second, -400, 400));
    }

    [Fact]
    public void A_missing_file_or_one_that_is_not_a_WAV_file_is_refused_naming_the_key_and_the_file()
    {
        var missing = Path.Combine(_directory.FullName, "missing.wav");
        var text = Path.Combine(_directory.FullName, "notes.wav");
        File.WriteAllText(text, "this is not audio");
        var empty = WriteWav("empty.wav", 8000, 1, _ => 0, 0);

        foreach (var (file, says) in new[] { (missing, "does not exist"), (text, "not a readable"), (empty, "holds no audio") })
        {
            var error = Assert.Throws<InvalidDataException>(() => HoldAudio.Load(file));
            Assert.Contains("PhoneBridge:Hold:AudioFile", error.Message, StringComparison.Ordinal);
            Assert.Contains(file, error.Message, StringComparison.Ordinal);
            Assert.Contains(says, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_options_are_validated_on_start_by_loading_the_file_once()
    {
        var file = WriteWav("ok.wav", 8000, 1, n => 0.1 * Math.Sin(n), 800);
        using (var services = Services(file))
        {
            var hold = services.GetRequiredService<HoldAudio>();
            Assert.Equal(file, hold.File);
            Assert.Same(hold, services.GetRequiredService<HoldAudio>());
        }

        using (var services = Services(Path.Combine(_directory.FullName, "nope.wav")))
        {
            var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<HoldAudioOptions>>().Value);
            Assert.Contains("PhoneBridge:Hold:AudioFile", error.Message, StringComparison.Ordinal);
            Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        }

        using (var services = Services(null))
        {
            Assert.Same(HoldAudio.Chime, services.GetRequiredService<HoldAudio>());
        }
    }

    [Fact]
    public void Without_a_file_the_caller_hears_the_built_in_chime_not_silence()
    {
        var source = HoldAudio.Chime.CreateSource(8000);
        var second = new short[8000];
        source.Fill(second);

        Assert.True(second.Max(s => Math.Abs((int)s)) > 1000);
    }

    private static ServiceProvider Services(string? file)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(file is null ? [] : [new KeyValuePair<string, string?>("PhoneBridge:Hold:AudioFile", file)])
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddPhoneBridgeCore();
        return services.BuildServiceProvider();
    }

    private string WriteWav(string name, int rate, int channels, Func<int, double> sample, int frames, bool ieeeFloat = false)
    {
        var path = Path.Combine(_directory.FullName, name);
        var format = ieeeFloat ? WaveFormat.CreateIeeeFloatWaveFormat(rate, channels) : new WaveFormat(rate, 16, channels);
        using var writer = new WaveFileWriter(path, format);
        for (var n = 0; n < frames * channels; n++)
        {
            writer.WriteSample((float)sample(n));
        }

        return path;
    }
}
