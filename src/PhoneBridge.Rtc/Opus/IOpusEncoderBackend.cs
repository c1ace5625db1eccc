namespace PhoneBridge.Rtc.Opus;

/// <summary>One Opus encoder implementation behind <see cref="OpusEncoder"/>; arguments are already checked.</summary>
internal interface IOpusEncoderBackend : IDisposable
{
    int Lookahead { get; }

    int Complexity { get; }

    /// <summary>As the OPUS_BANDWIDTH_* constant (1101 narrowband … 1105 fullband).</summary>
    int MaxBandwidth { get; }

    /// <summary>Packet length, or a negative OPUS_* error.</summary>
    int Encode(ReadOnlySpan<short> pcm, int frameSize, Span<byte> output);

    void Reset();
}
