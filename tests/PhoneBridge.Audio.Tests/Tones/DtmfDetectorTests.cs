using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Audio.Tests.Tones;

public class DtmfDetectorTests
{
    public static TheoryData<int> Rates => [8000, 16000];

    [Theory]
    [MemberData(nameof(Rates))]
    public void HearsEveryKeyOnceInOrderThroughMuLaw(int rate)
    {
        var audio = Sinusoids.ThroughMuLaw(Generate(DtmfKeys.All, rate));

        Assert.Equal(DtmfKeys.All, Detect(audio, rate));
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void HearsTheShortestTonesAndPausesQ24Allows(int rate)
    {
        // 50 ms tones (the generator's shortest) and 40 ms pauses, repeated keys included.
        const string keys = "1155##00DD9";
        var audio = Sinusoids.ThroughMuLaw(Generate(keys, rate, 50, 40));

        Assert.Equal(keys, Detect(audio, rate));
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void HearsEveryKeyInModerateNoise(int rate)
    {
        // White noise 15 dB under the pair (the pair is about -3 dBm0 together), then μ-law.
        var audio = Generate(DtmfKeys.All + DtmfKeys.All, rate);
        var pairRms = Math.Sqrt((Math.Pow(DtmfToneGenerator.ZeroDbm0Peak * Math.Pow(10, -7 / 20.0), 2) + Math.Pow(DtmfToneGenerator.ZeroDbm0Peak * Math.Pow(10, -5 / 20.0), 2)) / 2);
        Sinusoids.AddNoise(audio, pairRms * Math.Pow(10, -15 / 20.0), seed: rate);

        Assert.Equal(DtmfKeys.All + DtmfKeys.All, Detect(Sinusoids.ThroughMuLaw(audio), rate));
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void HearsTheSameKeysWhateverTheFrameSize(int rate)
    {
        var audio = Generate("*8#4", rate);
        var detector = new DtmfDetector(rate);
        var heard = new List<char>();
        detector.KeyDetected += heard.Add;
        var random = new Random(3);
        for (var at = 0; at < audio.Length;)
        {
            var length = Math.Min(random.Next(1, 400), audio.Length - at);
            detector.Process(audio.AsSpan(at, length));
            at += length;
        }

        Assert.Equal("*8#4", new string([.. heard]));
    }

    [Theory]
    [InlineData(20, "")] // a blip under Q.24's shortest tone
    [InlineData(45, "5")]
    public void ABlipIsNotAKeyAndAFortyMillisecondToneIs(int toneMs, string expected)
    {
        var audio = new short[8000];
        var tone = Sinusoids.Tones(8000, toneMs / 1000.0, (770, 10000), (1336, 12000));
        tone.CopyTo(audio, 2000);

        Assert.Equal(expected, Detect(audio, 8000));
    }

    [Theory]
    [InlineData(8000, 0.985)]
    [InlineData(8000, 1.015)]
    [InlineData(16000, 0.985)]
    [InlineData(16000, 1.015)]
    public void TonesOffByTheDeviationQ24AllowsAreStillKeys(int rate, double factor)
    {
        // Every key with both its tones 1.5 % off (a sender's allowed error plus some).
        var heard = new List<char>();
        foreach (var key in DtmfKeys.All)
        {
            var index = DtmfKeys.IndexOf(key);
            var audio = Sinusoids.Tones(rate, 0.1, (DtmfKeys.LowHz[index / 4] * factor, 10000), (DtmfKeys.HighHz[index % 4] * factor, 12000));
            heard.AddRange(Detect(audio, rate));
        }

        Assert.Equal(DtmfKeys.All, new string([.. heard]));
    }

    [Theory]
    [InlineData(8000, 0.965)]
    [InlineData(8000, 1.035)]
    [InlineData(16000, 0.965)]
    [InlineData(16000, 1.035)]
    [InlineData(8000, 0.95)]
    [InlineData(8000, 1.05)]
    public void TonesOffByMoreThanQ24AllowsAreNotKeys(int rate, double factor)
    {
        // Q.24: a receiver must reject tones more than 3.5 % off.
        var heard = new List<char>();
        foreach (var key in DtmfKeys.All)
        {
            var index = DtmfKeys.IndexOf(key);
            var audio = Sinusoids.Tones(rate, 0.1, (DtmfKeys.LowHz[index / 4] * factor, 10000), (DtmfKeys.HighHz[index % 4] * factor, 12000));
            heard.AddRange(Detect(audio, rate));
        }

        Assert.Equal(string.Empty, new string([.. heard]));
    }

    [Fact]
    public void AShortDropoutDoesNotSplitAKey()
    {
        // 10 ms of silence inside a 200 ms tone, at every alignment to the detector's blocks.
        for (var offset = 0; offset < 102; offset += 17)
        {
            var audio = Sinusoids.Tones(8000, 0.2, (941, 10000), (1477, 12000));
            Array.Clear(audio, 800 + offset, 80);

            Assert.Equal("#", Detect(audio, 8000));
        }
    }

    [Theory]
    [InlineData(-6, "5")] // row 6 dB louder: within the 8 dB normal twist
    [InlineData(-10, "")] // row 10 dB louder
    [InlineData(3, "5")] // column 3 dB louder: within the 4 dB reverse twist
    [InlineData(6, "")] // column 6 dB louder
    public void TwistBeyondTheLimitsIsNotAKey(double columnDb, string expected)
    {
        var row = 8000.0;
        var audio = Sinusoids.Tones(8000, 0.2, (770, row), (1336, row * Math.Pow(10, columnDb / 20)));

        Assert.Equal(expected, Detect(audio, 8000));
    }

    [Theory]
    [InlineData(-27, "9")]
    [InlineData(-34, "")]
    public void TonesUnderTheMinimumLevelAreNotKeys(double dbm0, string expected)
    {
        var amplitude = DtmfToneGenerator.ZeroDbm0Peak * Math.Pow(10, dbm0 / 20);
        var audio = Sinusoids.Tones(8000, 0.2, (852, amplitude), (1477, amplitude));

        Assert.Equal(expected, Detect(audio, 8000));
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void MusicLikeTonesAreNotKeys(int rate)
    {
        var music = new List<short>();

        // Chords (triads and sevenths across the DTMF band), two seconds of them.
        double[][] chords =
        [
            [261.63, 329.63, 392.00], [440.00, 554.37, 659.25], [587.33, 739.99, 880.00],
            [698.46, 880.00, 1046.50], [783.99, 987.77, 1174.66, 1396.91], [932.33, 1174.66, 1396.91],
            [1046.50, 1318.51, 1567.98], [659.25, 830.61, 987.77, 1318.51],
        ];
        foreach (var chord in chords)
        {
            music.AddRange(Sinusoids.Tones(rate, 0.25, [.. chord.Select(hz => (hz, 5000.0))]));
        }

        // A chord with harmonics (a sawtooth-like timbre), two seconds.
        music.AddRange(Sinusoids.Tones(rate, 2, [.. new[] { 220.0, 277.18, 329.63 }.SelectMany(hz => Enumerable.Range(1, 6).Select(h => (hz * h, 6000.0 / h)))]));

        // Sweeps: a single tone gliding across the whole telephone band and back, and dyads gliding in parallel
        // major seconds (9:8) and twelfths (3:1); eight seconds. Q.23 pairs have column/row ratios from 1.28 to
        // 2.34, and with Q.24's ±3.5 % on each tone every ratio from about 1.2 to 2.5 is a pair a detector may
        // accept, so dyads gliding at such intervals are left out: they pass through real keys.
        music.AddRange(Sweep(rate, 2, 300, 3400, 0, 0));
        music.AddRange(Sweep(rate, 2, 3400, 300, 0, 0));
        music.AddRange(Sweep(rate, 2, 500, 1800, 562.5, 2025));
        music.AddRange(Sweep(rate, 2, 1100, 400, 3300, 1200));

        var audio = Sinusoids.ThroughMuLaw([.. music]);
        Assert.True(audio.Length >= rate * 10);
        Assert.Equal(string.Empty, Detect(audio, rate));
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void TheHoldChimeIsNotAKey(int rate)
    {
        var chime = HoldAudioSource.Chime(rate);
        var audio = new short[rate * 10];
        chime.Fill(audio);

        Assert.Equal(string.Empty, Detect(Sinusoids.ThroughMuLaw(audio), rate));
    }

    [SpeechFact]
    public void TenSecondsOfSpeechHoldNoKey()
    {
        foreach (var rate in new[] { 8000, 16000 })
        {
            foreach (var voice in new[] { "en-us", "en-us+f3", "en+m7", "de" })
            {
                var speech = Speech.Generate(voice, rate, seconds: 10);

                Assert.Equal(string.Empty, Detect(Sinusoids.ThroughMuLaw(speech), rate));

                // The same speech with a key under it still gives the key: speech is rejected, not everything.
                var mixed = (short[])speech.Clone();
                var key = Generate("7", rate, 200);
                for (var n = 0; n < key.Length; n++)
                {
                    mixed[rate + n] = (short)Math.Clamp((mixed[rate + n] / 4) + key[n], short.MinValue, short.MaxValue);
                }

                Assert.Contains('7', Detect(Sinusoids.ThroughMuLaw(mixed), rate));
            }
        }
    }

    [Fact]
    public void ResetForgetsAKeyHalfHeard()
    {
        var audio = Generate("3", 8000);
        var detector = new DtmfDetector(8000);
        var heard = 0;
        detector.KeyDetected += _ => heard++;
        detector.Process(audio.AsSpan(0, 800 + 400)); // 100 ms of silence, then half the tone
        Assert.Equal('3', detector.Current);

        detector.Reset();
        Assert.Equal('\0', detector.Current);
        detector.Process(audio.AsSpan(800 + 400, 100)); // 12.5 ms more of it: too short to be a new key
        Assert.Equal(1, heard);
    }

    [Fact]
    public void OnlyTelephoneRatesAreAccepted()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DtmfDetector(48000));

        Assert.Contains("8000 or 16000 Hz", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Rates))]
    public void ProcessingFramesAllocatesNothing(int rate)
    {
        var audio = Generate("0123456789", rate);
        var detector = new DtmfDetector(rate);
        var heard = 0;
        detector.KeyDetected += _ => heard++;
        var frame = AudioFrame.SamplesAt(rate);
        detector.Process(audio.AsSpan(0, frame));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var at = frame; at + frame <= audio.Length; at += frame)
        {
            detector.OnFrame(audio.AsSpan(at, frame));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10, heard);
    }

    internal static short[] Generate(string keys, int rate, int toneMs = 100, int? gapMs = null)
    {
        var generator = new DtmfToneGenerator(keys, rate, toneMs, gapMs);
        var frame = new short[AudioFrame.SamplesAt(rate)];
        var all = new List<short>(rate / 2);
        all.AddRange(new short[rate / 10]); // a little silence first
        bool more;
        do
        {
            more = generator.Fill(frame);
            all.AddRange(frame);
        }
        while (more);

        return [.. all];
    }

    private static string Detect(short[] audio, int rate)
    {
        var detector = new DtmfDetector(rate);
        var heard = new List<char>();
        detector.KeyDetected += heard.Add;
        var frame = AudioFrame.SamplesAt(rate);
        for (var at = 0; at < audio.Length; at += frame)
        {
            detector.OnFrame(audio.AsSpan(at, Math.Min(frame, audio.Length - at)));
        }

        // Trailing silence so that the last key is released.
        detector.Process(new short[rate / 10]);
        return new string([.. heard]);
    }

    private static IEnumerable<short> Sweep(int rate, double seconds, double lowFrom, double lowTo, double highFrom, double highTo)
    {
        var count = (int)(rate * seconds);
        double lowPhase = 0, highPhase = 0;
        for (var n = 0; n < count; n++)
        {
            var t = (double)n / count;
            lowPhase += 2 * Math.PI * (lowFrom + ((lowTo - lowFrom) * t)) / rate;
            highPhase += 2 * Math.PI * (highFrom + ((highTo - highFrom) * t)) / rate;
            yield return (short)Math.Round((8000 * Math.Sin(lowPhase)) + (9000 * Math.Sin(highPhase)));
        }
    }
}
