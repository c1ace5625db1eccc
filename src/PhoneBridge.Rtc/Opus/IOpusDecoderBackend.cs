namespace PhoneBridge.Rtc.Opus;

/// <summary>One Opus decoder implementation behind <see cref="OpusDecoder"/>; arguments are already checked.</summary>
internal interface IOpusDecoderBackend : IDisposable
{
    /// <summary>
    /// Samples per channel, or a negative OPUS_* error. An empty <paramref name="packet"/> asks for concealment;
    /// <paramref name="fec"/> rebuilds the frame before <paramref name="packet"/> from its FEC data.
    /// </summary>
    int Decode(ReadOnlySpan<byte> packet, Span<short> pcm, int frameSize, bool fec);

    void Reset();
}
