namespace PhoneBridge.Rtc.Opus;

/// <summary>libopus encoder through P/Invoke.</summary>
internal sealed unsafe class NativeOpusEncoder : IOpusEncoderBackend
{
    private readonly OpusEncoderHandle _handle;

    public NativeOpusEncoder(OpusEncoderOptions options)
    {
        OpusLibrary.EnsureLoaded();
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
            Ctl(OpusNative.SetMaxBandwidth, OpusEncoder.MaxBandwidthFor(options.SampleRate));
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

    public int Lookahead { get; }

    public int Complexity => Get(OpusNative.GetComplexity);

    public int MaxBandwidth => Get(OpusNative.GetMaxBandwidth);

    public int Encode(ReadOnlySpan<short> pcm, int frameSize, Span<byte> output)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        fixed (short* p = pcm)
        fixed (byte* o = output)
        {
            return OpusNative.Encode(_handle, p, frameSize, o, Math.Min(output.Length, OpusEncoder.MaxPacketSize));
        }
    }

    public void Reset() => Ctl(OpusNative.ResetState, 0);

    public void Dispose() => _handle.Dispose();

    private int Get(int request)
    {
        OpusNative.EncoderCtlGet(_handle, request, out var value);
        return value;
    }

    private void Ctl(int request, int value)
    {
        var result = OpusNative.EncoderCtl(_handle, request, value);
        if (result < 0)
        {
            throw new OpusException($"opus_encoder_ctl({request})", result);
        }
    }
}
