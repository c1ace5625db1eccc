using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Simulator.Audio;

namespace PhoneBridge.Integration.Tests.Simulator;

public class CallerAudioTests
{
    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(44100)]
    [InlineData(48000)]
    [InlineData(22050)]
    public void AToneAtAnyRateBecomesTheSameToneAtEightKilohertz(int rate)
    {
        const double Frequency = 440, Seconds = 1;
        var pcm = new short[(int)(rate * Seconds)];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(10000 * Math.Sin(2 * Math.PI * Frequency * i / rate));
        }

        var audio = CallerAudio.FromPcm(pcm, rate);

        Assert.Equal(50, audio.FrameCount);
        var decoded = audio.ToWav().Samples;
        // Compare with the ideal 8 kHz tone away from the edges: same phase (delay compensated), small error.
        double error = 0, signal = 0;
        for (var i = 400; i < decoded.Length - 400; i++)
        {
            var ideal = 10000 * Math.Sin(2 * Math.PI * Frequency * i / 8000);
            error += (decoded[i] - ideal) * (decoded[i] - ideal);
            signal += ideal * ideal;
        }

        var snrDb = 10 * Math.Log10(signal / error);
        Assert.True(snrDb > 30, $"SNR {snrDb:0.0} dB at {rate} Hz");
    }

    [Fact]
    public void ShortClipsArePaddedToAWholeFrameOfSilence()
    {
        var audio = CallerAudio.FromPcm(new short[10], 8000);
        Assert.Equal(1, audio.FrameCount);
        Assert.Equal(G711.MuLawSilence, audio.Frame(0)[159]);
    }

    [Fact]
    public void FramesWrapAroundTheClip()
    {
        var audio = CallerAudio.TestSignal(TimeSpan.FromMilliseconds(100));
        Assert.Equal(5, audio.FrameCount);
        Assert.True(audio.Frame(7).SequenceEqual(audio.Frame(2)));
    }
}
