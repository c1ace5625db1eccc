namespace PhoneBridge.Rtc.Opus;

/// <summary>
/// Opus encoder (application VOIP, voice signal) working directly at the phone's rate so no resampling is needed.
/// Not thread-safe: one encoder per outgoing stream.
/// </summary>
public sealed unsafe class OpusEncoder : IDisposable
{
    /// <summary>RFC 6716 limit for one frame; output buffers of this size never overflow.</summary>
    public const int MaxPacketSize = 1275;

    private readonly OpusEncoderHandle _handle;

    public OpusEncoder(OpusEncoderOptions options)
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

        OpusLibrary.EnsureLoaded();
        SampleRate = options.SampleRate;
        Channels = options.Channels;
        _handle = OpusNative.EncoderCreate(options.SampleRate, options.Channels, OpusNative.ApplicationVoip, out var error);
        if (error != 0 || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new OpusException("opus_encoder_create", error);
        }

        try
        {
            Ctl(OpusNative.SetSignal, OpusNative.SignalVoice);
            Ctl(OpusNative.SetComplexity, Math.Clamp(options.Complexity, 0, 10));
            Ctl(OpusNative.SetMaxBandwidth, MaxBandwidthFor(options.SampleRate));
            if (options.Bitrate > 0)
            {
                Ctl(OpusNative.SetBitrate, options.Bitrate);
            }

            Ctl(OpusNative.SetInbandFec, options.InbandFec ? 1 : 0);
            Ctl(OpusNative.SetPacketLossPerc, Math.Clamp(options.PacketLossPercent, 0, 100));
            Ctl(OpusNative.SetDtx, options.Dtx ? 1 : 0);
            OpusNative.EncoderCtlGet(_handle, OpusNative.GetLookahead, out var lookahead);
            Lookahead = lookahead;
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Samples per channel in one 20 ms frame.</summary>
    public int FrameSize => SampleRate / 50;

    /// <summary>Encoder delay in samples at <see cref="SampleRate"/>.</summary>
    public int Lookahead { get; }

    public int Complexity
    {
        get
        {
            OpusNative.EncoderCtlGet(_handle, OpusNative.GetComplexity, out var value);
            return value;
        }
    }

    public int MaxBandwidth
    {
        get
        {
            OpusNative.EncoderCtlGet(_handle, OpusNative.GetMaxBandwidth, out var value);
            return value;
        }
    }

    /// <summary>Encodes one frame (2.5–60 ms of interleaved samples) into <paramref name="output"/>; returns the packet length.</summary>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> output)
    {
        var frameSize = pcm.Length / Channels;
        if (frameSize * Channels != pcm.Length || !IsValidFrameSize(frameSize))
        {
            throw new ArgumentException($"PCM length {pcm.Length} is not a valid Opus frame at {SampleRate} Hz.", nameof(pcm));
        }

        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        int result;
        fixed (short* p = pcm)
        fixed (byte* o = output)
        {
            result = OpusNative.Encode(_handle, p, frameSize, o, Math.Min(output.Length, MaxPacketSize));
        }

        return result < 0 ? throw new OpusException("opus_encode", result) : result;
    }

    /// <summary>Forgets all history, e.g. before a new talkspurt after a long pause.</summary>
    public void Reset() => Ctl(OpusNative.ResetState, 0);

    public void Dispose() => _handle.Dispose();

    private bool IsValidFrameSize(int frameSize) =>
        frameSize * 400 == SampleRate || frameSize * 200 == SampleRate || frameSize * 100 == SampleRate
        || frameSize * 50 == SampleRate || frameSize * 25 == SampleRate || frameSize * 50 == SampleRate * 3;

    private static int MaxBandwidthFor(int sampleRate) => sampleRate switch
    {
        8000 => OpusNative.BandwidthNarrowband,
        12000 or 16000 => OpusNative.BandwidthWideband,
        24000 => OpusNative.BandwidthSuperWideband,
        _ => OpusNative.BandwidthFullband,
    };

    private void Ctl(int request, int value)
    {
        var result = OpusNative.EncoderCtl(_handle, request, value);
        if (result < 0)
        {
            throw new OpusException($"opus_encoder_ctl({request})", result);
        }
    }
}
