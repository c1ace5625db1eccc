namespace PhoneBridge.Rtc.Opus;

/// <summary>libopus decoder through P/Invoke.</summary>
internal sealed unsafe class NativeOpusDecoder : IOpusDecoderBackend
{
    private readonly OpusDecoderHandle _handle;

    public NativeOpusDecoder(int sampleRate, int channels)
    {
        OpusLibrary.EnsureLoaded();
        _handle = OpusNative.DecoderCreate(sampleRate, channels, out var error);
        if (error != 0 || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new OpusException("opus_decoder_create", error);
        }
    }

    public int Decode(ReadOnlySpan<byte> packet, Span<short> pcm, int frameSize, bool fec)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        fixed (byte* d = packet)
        fixed (short* p = pcm)
        {
            return OpusNative.Decode(_handle, packet.IsEmpty ? null : d, packet.Length, p, frameSize, fec ? 1 : 0);
        }
    }

    public void Reset() => OpusNative.DecoderCtl(_handle, OpusNative.ResetState, 0);

    public void Dispose() => _handle.Dispose();
}
