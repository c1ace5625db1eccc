namespace PhoneBridge.Rtc.Opus;

/// <summary>Concentus decoder, always the managed one (see <see cref="ManagedOpusEncoder"/>).</summary>
internal sealed class ManagedOpusDecoder : IOpusDecoderBackend
{
    private readonly Concentus.Structs.OpusDecoder _decoder;
    private bool _disposed;

    public ManagedOpusDecoder(int sampleRate, int channels)
    {
#pragma warning disable CS0618 // The constructor is marked obsolete only to steer callers to the factory, which may pick native.
        _decoder = new Concentus.Structs.OpusDecoder(sampleRate, channels);
#pragma warning restore CS0618
    }

    public int Decode(ReadOnlySpan<byte> packet, Span<short> pcm, int frameSize, bool fec)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return _decoder.Decode(packet, pcm, frameSize, fec);
        }
        catch (Concentus.OpusException e)
        {
            // A corrupt packet from the network is an error code here as with libopus, not an exception.
            return e.OpusErrorCode < 0 ? e.OpusErrorCode : OpusErrors.InvalidPacket;
        }
    }

    public void Reset() => _decoder.ResetState();

    public void Dispose()
    {
        _disposed = true;
        _decoder.Dispose();
    }
}
