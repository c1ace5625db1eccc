using PhoneBridge.Audio;

namespace PhoneBridge.Rtc.Opus;

/// <summary>
/// Opus encoder (application VOIP, voice signal) working directly at the phone's rate so no resampling is needed,
/// on libopus or Concentus (<see cref="Implementation"/>). Not thread-safe: one encoder per outgoing stream.
/// </summary>
public sealed class OpusEncoder : IDisposable
{
    /// <summary>RFC 6716 limit for one frame; output buffers of this size never overflow.</summary>
    public const int MaxPacketSize = 1275;

    private readonly IOpusEncoderBackend _backend;

    public OpusEncoder(OpusEncoderOptions options)
        : this(options, OpusImplementation.Auto)
    {
    }

    public OpusEncoder(OpusEncoderOptions options, OpusImplementation implementation)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SampleRate is not (8000 or 12000 or 16000 or 24000 or 48000))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SampleRate, "Opus supports 8, 12, 16, 24 or 48 kHz.");
        }

        if (options.Channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Channels, "Opus supports 1 or 2 channels.");
        }

        Implementation = OpusImplementations.Resolve(implementation);
        SampleRate = options.SampleRate;
        Channels = options.Channels;
        _backend = OpusImplementations.CreateEncoder(Implementation, options);
        Lookahead = _backend.Lookahead;
    }

    /// <summary>Native or Managed: the codec doing the work.</summary>
    public OpusImplementation Implementation { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Samples per channel in one 20 ms frame.</summary>
    public int FrameSize => AudioFrame.SamplesAt(SampleRate);

    /// <summary>Encoder delay in samples at <see cref="SampleRate"/>.</summary>
    public int Lookahead { get; }

    public int Complexity => _backend.Complexity;

    public int MaxBandwidth => _backend.MaxBandwidth;

    /// <summary>Encodes one frame (2.5–60 ms of interleaved samples) into <paramref name="output"/>; returns the packet length.</summary>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> output)
    {
        var frameSize = pcm.Length / Channels;
        if (frameSize * Channels != pcm.Length || !IsValidFrameSize(frameSize))
        {
            throw new ArgumentException($"PCM length {pcm.Length} is not a valid Opus frame at {SampleRate} Hz.", nameof(pcm));
        }

        var result = _backend.Encode(pcm, frameSize, output);
        return result < 0 ? throw new OpusException("opus_encode", result) : result;
    }

    /// <summary>Forgets all history, e.g. before a new talkspurt after a long pause.</summary>
    public void Reset() => _backend.Reset();

    public void Dispose() => _backend.Dispose();

    internal static int MaxBandwidthFor(int sampleRate) => sampleRate switch
    {
        8000 => OpusNative.BandwidthNarrowband,
        12000 or 16000 => OpusNative.BandwidthWideband,
        24000 => OpusNative.BandwidthSuperWideband,
        _ => OpusNative.BandwidthFullband,
    };

    private bool IsValidFrameSize(int frameSize) =>
        frameSize * 400 == SampleRate || frameSize * 200 == SampleRate || frameSize * 100 == SampleRate
        || frameSize * 50 == SampleRate || frameSize * 25 == SampleRate || frameSize * 50 == SampleRate * 3;
}
