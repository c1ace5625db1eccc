using System.Threading.Channels;
using PhoneBridge.Audio.Tones;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Bridge.Pipeline;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Bridge.Pipeline;

/// <summary>Hold and in-band DTMF through a live pipeline, frame by frame on the test's thread.</summary>
public sealed class HoldAndDtmfTests : IDisposable
{
    private readonly BridgeCounters _counters = new();
    private readonly FakePhone _phone = new();
    private readonly FakeEdgeSession _session = new(null!);
    private CallMediaPipeline _pipeline = null!;
    private int _frameSamples;

    public HoldAndDtmfTests() => Start(PhoneAudioFormat.MuLaw8k);

    public void Dispose() => _counters.Dispose();

    private CallMediaControl Control => _pipeline.Control;

    [Fact]
    public void A_held_caller_reaches_no_edge_and_hears_the_hold_audio_while_the_edge_is_silent()
    {
        Control.SetHeld(true);
        for (var i = 0; i < 50; i++)
        {
            Caller(i);
        }

        Assert.Empty(Drain(_session.Received.Reader));
        var heard = Drain(_phone.Sent.Reader);

        // The first caller frame may be jitter; from the second on, each one clocks a frame of hold audio.
        Assert.Equal(49, heard.Count);
        var chime = new short[49 * 160];
        HoldAudioSource.Chime(8000).Fill(chime);
        Assert.Equal(chime, heard.SelectMany(f => f));
        Assert.True(heard.SelectMany(f => f).Max(s => Math.Abs((int)s)) > 1000, "the hold audio is not silence");
        Assert.Equal(new CallMediaStats(50, 49, 0, 50, 0), Control.Stats);
        Assert.Equal(50, _counters.FramesFromPhone);
        Assert.Equal(49, _counters.FramesToPhone);
    }

    [Fact]
    public void While_held_the_remote_audio_is_replaced_by_the_hold_audio_not_added_to_it()
    {
        Control.SetHeld(true);
        for (var i = 0; i < 50; i++)
        {
            Caller(i);
            Remote(5000);
        }

        var heard = Drain(_phone.Sent.Reader);
        Assert.Equal(50, heard.Count);
        var chime = new short[50 * 160];
        HoldAudioSource.Chime(8000).Fill(chime);
        Assert.Equal(chime, heard.SelectMany(f => f));
        Assert.Empty(Drain(_session.Received.Reader));
    }

    [Fact]
    public void After_unhold_both_directions_flow_again_and_nothing_is_generated()
    {
        Control.SetHeld(true);
        for (var i = 0; i < 20; i++)
        {
            Caller(i);
        }

        Drain(_phone.Sent.Reader);
        Control.SetHeld(false);
        for (var i = 0; i < 10; i++)
        {
            Caller(100 + i);
            Remote(200 + i);
        }

        for (var i = 0; i < 10; i++)
        {
            Caller(300 + i);
        }

        Assert.Equal(
            Enumerable.Range(100, 10).Concat(Enumerable.Range(300, 10)).Select(i => BridgeHarness.Frame(i)),
            Drain(_session.Received.Reader));
        Assert.Equal(Enumerable.Range(200, 10).Select(i => BridgeHarness.Frame(i)), Drain(_phone.Sent.Reader));
        Assert.Equal(20, Control.Stats.FramesHeld);
    }

    [Fact]
    public void Hold_audio_starts_from_its_beginning_at_each_hold()
    {
        Control.SetHeld(true);
        Caller(0);
        Caller(0);
        Caller(0);
        Control.SetHeld(false);
        Remote(1);
        Control.SetHeld(true);
        Caller(0);
        Caller(0);

        var heard = Drain(_phone.Sent.Reader);
        Assert.Equal(4, heard.Count);
        Assert.NotEqual(heard[0], heard[1]);
        Assert.Equal(BridgeHarness.Frame(1), heard[2]);
        Assert.Equal(heard[0], heard[3]);
    }

    [Theory]
    [InlineData(100, "159#")]
    [InlineData(50, "0123456789*#ABCD")]
    public void Digits_queued_while_the_edge_is_silent_are_heard_in_order_with_Q24_timing(int toneMs, string digits)
    {
        Assert.True(Control.PlayDtmf(digits, toneMs));
        var frames = (digits.Length * (toneMs + Math.Max(toneMs, 60)) / 20) + 10;
        for (var i = 0; i < frames; i++)
        {
            Caller(i);
        }

        var heard = Drain(_phone.Sent.Reader).SelectMany(f => f).ToArray();
        Assert.Equal(digits, Detect(heard, 8000));
        Assert.Equal(digits.Length, Control.Stats.DtmfTonesPlayed);

        // Tone and pause lengths, read from the audio in 5 ms steps: Q.24 asks at least 40 ms of each.
        var (tones, gaps) = Bursts(heard, 8000);
        Assert.Equal(digits.Length, tones.Count);
        Assert.All(tones, ms => Assert.InRange(ms, Math.Max(40, toneMs - 5), toneMs + 5));
        Assert.All(gaps, ms => Assert.True(ms >= 40, $"a pause of {ms} ms"));

        // Once every tone has played, a silent edge means silence again: nothing more is generated.
        for (var i = 0; i < 10; i++)
        {
            Caller(i);
        }

        Assert.Empty(Drain(_phone.Sent.Reader));
    }

    [Fact]
    public void Digits_are_mixed_into_remote_speech_without_doubling_a_frame_and_no_false_digit_over_ten_seconds()
    {
        AssertDigitsOverSpeech(SpeechLike.Synthetic(8000, 10), 8000);
    }

    [Fact]
    public void Digits_are_mixed_into_real_speech_too_when_espeak_ng_is_installed()
    {
        if (!SpeechLike.EspeakInstalled)
        {
            return;
        }

        AssertDigitsOverSpeech(SpeechLike.Espeak(8000, 10), 8000);
    }

    [Fact]
    public void Ten_seconds_of_speech_or_of_hold_audio_hold_no_digit()
    {
        var speech = SpeechLike.EspeakInstalled ? SpeechLike.Espeak(8000, 10) : SpeechLike.Synthetic(8000, 10, seed: 7);
        foreach (var frame in speech.Chunk(160))
        {
            Caller(0);
            _pipeline.EdgeToPhone.Input.OnFrame(frame);
        }

        var passed = Drain(_phone.Sent.Reader).SelectMany(f => f).ToArray();
        Assert.Equal(speech, passed);
        Assert.Equal(string.Empty, Detect(passed, 8000));
        Assert.Equal(string.Empty, Detect(SpeechLike.Synthetic(8000, 10, seed: 3), 8000));

        Control.SetHeld(true);
        for (var i = 0; i < 500; i++)
        {
            Caller(0);
        }

        Assert.Equal(string.Empty, Detect(Drain(_phone.Sent.Reader).SelectMany(f => f).ToArray(), 8000));
    }

    [Fact]
    public void Tones_go_on_from_generated_frames_when_the_edge_stops_in_the_middle_of_a_string()
    {
        Assert.True(Control.PlayDtmf("2580", 100));
        for (var i = 0; i < 15; i++)
        {
            Caller(0);
            Remote(300);
        }

        for (var i = 0; i < 60; i++)
        {
            Caller(0);
        }

        Assert.Equal("2580", Detect(Drain(_phone.Sent.Reader).SelectMany(f => f).ToArray(), 8000));
    }

    [Fact]
    public void Digits_are_heard_on_a_16_kHz_call_as_well()
    {
        Start(PhoneAudioFormat.L16_16k);
        Assert.True(Control.PlayDtmf("73*", 80));
        for (var i = 0; i < 60; i++)
        {
            Caller(0);
        }

        Assert.Equal("73*", Detect(Drain(_phone.Sent.Reader).SelectMany(f => f).ToArray(), 16000));
    }

    [Fact]
    public void The_tone_queue_is_bounded_and_bad_digits_or_lengths_are_refused()
    {
        for (var i = 0; i < CallMediaControl.MaxQueuedStrings; i++)
        {
            Assert.True(Control.PlayDtmf("1", 100));
        }

        Assert.False(Control.PlayDtmf("2", 100));
        Assert.Throws<ArgumentException>(() => Control.PlayDtmf("12x", 100));
        Assert.Throws<ArgumentException>(() => Control.PlayDtmf("1", 49));
        Assert.Throws<ArgumentException>(() => Control.PlayDtmf("1", 1001));
        Assert.Throws<ArgumentException>(() => Control.PlayDtmf(new string('1', 65), 100));

        // Playing frees the queue again.
        for (var i = 0; i < 90; i++)
        {
            Caller(0);
        }

        Assert.Equal(CallMediaControl.MaxQueuedStrings, Control.Stats.DtmfTonesPlayed);
        Assert.True(Control.PlayDtmf("2", 100));
    }

    [Fact]
    public void Before_the_phone_stream_starts_no_tone_is_queued()
    {
        var pipeline = new CallMediaPipeline(new FakePhone(), _counters);
        Assert.False(pipeline.Control.PlayDtmf("1", 100));
    }

    private void AssertDigitsOverSpeech(short[] speech, int rate)
    {
        var frames = speech.Chunk(AudioFrameSamples(rate)).ToArray();
        for (var i = 0; i < frames.Length; i++)
        {
            if (i == 100)
            {
                Assert.True(Control.PlayDtmf("159#", 100));
            }

            if (i == 300)
            {
                Assert.True(Control.PlayDtmf("*0", 60));
            }

            Caller(0);
            _pipeline.EdgeToPhone.Input.OnFrame(frames[i]);
        }

        var heard = Drain(_phone.Sent.Reader);
        Assert.Equal(frames.Length, heard.Count);
        Assert.Equal("159#*0", Detect(heard.SelectMany(f => f).ToArray(), rate));
        Assert.Equal(6, Control.Stats.DtmfTonesPlayed);
    }

    private void Start(PhoneAudioFormat format)
    {
        _pipeline = new CallMediaPipeline(_phone, _counters);
        _frameSamples = format.SamplesPerFrame;
        _pipeline.EarlyAudio.Start(_frameSamples, TimeSpan.FromMilliseconds(200));
        _pipeline.Start(format);
        _pipeline.EdgePublish.Attach(_session);
        _pipeline.EarlyAudio.GoLive();
    }

    private static int AudioFrameSamples(int rate) => PhoneBridge.Audio.AudioFrame.SamplesAt(rate);

    private void Caller(int value) => _pipeline.PhoneToEdge.Input.OnFrame(BridgeHarness.Frame(value, _frameSamples));

    private void Remote(int value) => _pipeline.EdgeToPhone.Input.OnFrame(BridgeHarness.Frame(value, _frameSamples));

    private static string Detect(short[] audio, int rate)
    {
        var detector = new DtmfDetector(rate);
        var keys = new System.Text.StringBuilder();
        detector.KeyDetected += key => keys.Append(key);
        detector.Process(audio);
        return keys.ToString();
    }

    /// <summary>Lengths in ms of the loud stretches (tones) and of the quiet ones between them, in 5 ms blocks.</summary>
    private static (List<int> Tones, List<int> Gaps) Bursts(short[] audio, int rate)
    {
        var block = rate / 200;
        var tones = new List<int>();
        var gaps = new List<int>();
        var loud = false;
        var run = 0;
        var leadingQuiet = audio.Length >= block && !IsLoud(audio.AsSpan(0, block));
        for (var at = 0; at + block <= audio.Length; at += block)
        {
            var isLoud = IsLoud(audio.AsSpan(at, block));
            if (isLoud != loud && run > 0)
            {
                (loud ? tones : gaps).Add(run * 5);
                run = 0;
            }

            loud = isLoud;
            run++;
        }

        if (loud)
        {
            tones.Add(run * 5);
        }

        // The silence before the first tone is not a pause between tones.
        if (leadingQuiet && gaps.Count > 0)
        {
            gaps.RemoveAt(0);
        }

        return (tones, gaps);
    }

    private static bool IsLoud(ReadOnlySpan<short> block)
    {
        double energy = 0;
        foreach (var sample in block)
        {
            energy += (double)sample * sample;
        }

        return Math.Sqrt(energy / block.Length) > 1000;
    }

    private static List<short[]> Drain(ChannelReader<short[]> reader)
    {
        var frames = new List<short[]>();
        while (reader.TryRead(out var frame))
        {
            frames.Add(frame);
        }

        return frames;
    }
}
