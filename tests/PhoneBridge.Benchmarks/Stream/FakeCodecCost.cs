using System.Diagnostics;
using PhoneBridge.Benchmarks.Rtc;
using PhoneBridge.Rtc.Opus;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>
/// What the fake SFU's own media work costs per frame: it decodes each phone frame (end of the
/// phone → SFU leg) and encodes the echo (start of the SFU → phone leg) at its echo rate with the stack's default
/// complexity. Timed here on one thread so it can be subtracted from the measured legs.
/// </summary>
internal static class FakeCodecCost
{
    public static (TimeSpan Encode, TimeSpan Decode) Measure(int rate, int frames = 1000)
    {
        var size = rate / 50;
        using var encoder = new OpusEncoder(new OpusEncoderOptions { SampleRate = rate, Complexity = 5 });
        using var decoder = new OpusDecoder(rate);
        var pcm = VoiceLikeSignal.Create(rate, seconds: 2);
        var output = new short[decoder.MaxFrameSize];
        var packet = new byte[OpusEncoder.MaxPacketSize];
        long encodeTicks = 0, decodeTicks = 0;
        for (var i = 0; i < frames; i++)
        {
            var offset = i * size % (pcm.Length - size);
            var t0 = Stopwatch.GetTimestamp();
            var n = encoder.Encode(pcm.AsSpan(offset, size), packet);
            var t1 = Stopwatch.GetTimestamp();
            decoder.Decode(packet.AsSpan(0, n), output);
            var t2 = Stopwatch.GetTimestamp();
            encodeTicks += t1 - t0;
            decodeTicks += t2 - t1;
        }

        return (Stopwatch.GetElapsedTime(0, encodeTicks / frames), Stopwatch.GetElapsedTime(0, decodeTicks / frames));
    }
}
