using Concentus.Enums;

namespace PhoneBridge.Rtc.Opus;

/// <summary>
/// Concentus encoder, always the managed one: Concentus' own factory would switch to its libopus adapter when the
/// library loads, and that case is <see cref="NativeOpusEncoder"/>'s.
/// </summary>
internal sealed class ManagedOpusEncoder : IOpusEncoderBackend
{
    private readonly Concentus.Structs.OpusEncoder _encoder;
    private bool _disposed;

    public ManagedOpusEncoder(OpusEncoderOptions options)
    {
#pragma warning disable CS0618 // The constructor is marked obsolete only to steer callers to the factory, which may pick native.
        _encoder = new Concentus.Structs.OpusEncoder(options.SampleRate, options.Channels, OpusApplication.OPUS_APPLICATION_VOIP);
#pragma warning restore CS0618
        try
        {
            _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
            _encoder.Complexity = Math.Clamp(options.Complexity, 0, 10);
            _encoder.MaxBandwidth = Bandwidth(OpusEncoder.MaxBandwidthFor(options.SampleRate));
            if (options.Bitrate > 0)
            {
                _encoder.Bitrate = options.Bitrate;
            }

            _encoder.UseInbandFEC = options.InbandFec;
            _encoder.PacketLossPercent = Math.Clamp(options.PacketLossPercent, 0, 100);
            _encoder.UseDTX = options.Dtx;
        }
        catch (Concentus.OpusException e)
        {
            throw new OpusException("OpusEncoder settings", e.OpusErrorCode);
        }
    }

    public int Lookahead => _encoder.Lookahead;

    public int Complexity => _encoder.Complexity;

    public int MaxBandwidth => _encoder.MaxBandwidth switch
    {
        OpusBandwidth.OPUS_BANDWIDTH_NARROWBAND => OpusNative.BandwidthNarrowband,
        OpusBandwidth.OPUS_BANDWIDTH_WIDEBAND => OpusNative.BandwidthWideband,
        OpusBandwidth.OPUS_BANDWIDTH_SUPERWIDEBAND => OpusNative.BandwidthSuperWideband,
        _ => OpusNative.BandwidthFullband,
    };

    public int Encode(ReadOnlySpan<short> pcm, int frameSize, Span<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            var max = Math.Min(output.Length, OpusEncoder.MaxPacketSize);
            return _encoder.Encode(pcm, frameSize, output[..max], max);
        }
        catch (Concentus.OpusException e)
        {
            return e.OpusErrorCode < 0 ? e.OpusErrorCode : OpusErrors.InternalError;
        }
    }

    public void Reset() => _encoder.ResetState();

    public void Dispose() => _disposed = true;

    private static OpusBandwidth Bandwidth(int opusConstant) => opusConstant switch
    {
        OpusNative.BandwidthNarrowband => OpusBandwidth.OPUS_BANDWIDTH_NARROWBAND,
        OpusNative.BandwidthWideband => OpusBandwidth.OPUS_BANDWIDTH_WIDEBAND,
        OpusNative.BandwidthSuperWideband => OpusBandwidth.OPUS_BANDWIDTH_SUPERWIDEBAND,
        _ => OpusBandwidth.OPUS_BANDWIDTH_FULLBAND,
    };
}
