namespace PhoneBridge.Audio;

/// <summary>
/// The bridge's one audio cadence: mono PCM16 in 20 ms frames. Providers stream 20 ms chunks, Opus is
/// packetized at a 20 ms ptime and the edge mixes 20 ms at a time, so this is the only place that knows
/// the number; everything else asks it for samples, bytes or RTP ticks at its own rate.
/// </summary>
public static class AudioFrame
{
    /// <summary>Length of one frame in milliseconds.</summary>
    public const int Milliseconds = 20;

    /// <summary>Frames in one second of audio.</summary>
    public const int PerSecond = 1000 / Milliseconds;

    /// <summary>Length of one frame.</summary>
    public static TimeSpan Duration { get; } = TimeSpan.FromMilliseconds(Milliseconds);

    /// <summary>Samples in one frame at <paramref name="sampleRate"/> (160 at 8 kHz, 320 at 16 kHz, 960 at 48 kHz).</summary>
    public static int SamplesAt(int sampleRate) => sampleRate / PerSecond;

    /// <summary>Bytes of PCM16 in one frame at <paramref name="sampleRate"/>.</summary>
    public static int BytesAt(int sampleRate) => SamplesAt(sampleRate) * sizeof(short);

    /// <summary>How far an RTP timestamp advances per frame at <paramref name="clockRate"/> (960 for Opus' 48 kHz clock).</summary>
    public static uint RtpTicksAt(int clockRate) => (uint)SamplesAt(clockRate);

    /// <summary>The play-out time of <paramref name="frames"/> frames.</summary>
    public static TimeSpan DurationOf(long frames) => TimeSpan.FromMilliseconds(frames * (double)Milliseconds);
}
