using PhoneBridge.Audio;

namespace PhoneBridge.Rtc.Opus;

/// <summary>
/// Opus decoder at any Opus rate (the packet's coded band is converted inside the codec), mono by default so stereo
/// senders are down-mixed; on libopus or Concentus (<see cref="Implementation"/>). Not thread-safe: one decoder per
/// incoming stream.
/// </summary>
public sealed class OpusDecoder : IDisposable
{
    private readonly IOpusDecoderBackend _backend;

    public OpusDecoder(int sampleRate, int channels = 1)
        : this(sampleRate, channels, OpusImplementation.Auto)
    {
    }

    public OpusDecoder(int sampleRate, int channels, OpusImplementation implementation)
    {
        if (sampleRate is not (8000 or 12000 or 16000 or 24000 or 48000))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Opus supports 8, 12, 16, 24 or 48 kHz.");
        }

        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Opus supports 1 or 2 channels.");
        }

        Implementation = OpusImplementations.Resolve(implementation);
        SampleRate = sampleRate;
        Channels = channels;
        _backend = OpusImplementations.CreateDecoder(Implementation, sampleRate, channels);
    }

    /// <summary>Native or Managed: the codec doing the work.</summary>
    public OpusImplementation Implementation { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Samples per channel in one 20 ms frame.</summary>
    public int FrameSize => AudioFrame.SamplesAt(SampleRate);

    /// <summary>Largest frame a packet may hold (120 ms), for sizing buffers.</summary>
    public int MaxFrameSize => SampleRate * 120 / 1000;

    /// <summary>Decodes a packet; returns false (and the OPUS_* error) for a corrupt packet instead of throwing.</summary>
    public bool TryDecode(ReadOnlySpan<byte> packet, Span<short> pcm, out int samplesPerChannel, out int error)
    {
        if (packet.IsEmpty)
        {
            samplesPerChannel = 0;
            error = OpusErrors.InvalidPacket;
            return false;
        }

        var result = _backend.Decode(packet, pcm, pcm.Length / Channels, fec: false);
        samplesPerChannel = Math.Max(result, 0);
        error = Math.Min(result, 0);
        return result >= 0;
    }

    /// <summary>Decodes a packet; throws <see cref="OpusException"/> when it is corrupt.</summary>
    public int Decode(ReadOnlySpan<byte> packet, Span<short> pcm) =>
        TryDecode(packet, pcm, out var samples, out var error) ? samples : throw new OpusException("opus_decode", error);

    /// <summary>Packet-loss concealment: synthesises <paramref name="pcm"/>.Length/Channels samples from decoder history.</summary>
    public int Conceal(Span<short> pcm)
    {
        var result = _backend.Decode(default, pcm, pcm.Length / Channels, fec: false);
        return result < 0 ? throw new OpusException("opus_decode(PLC)", result) : result;
    }

    /// <summary>
    /// Rebuilds the frame lost just before <paramref name="nextPacket"/> from that packet's in-band FEC data (falls back
    /// to concealment inside the codec when the packet carries none). <paramref name="pcm"/> must be exactly the lost duration.
    /// </summary>
    public int DecodeFec(ReadOnlySpan<byte> nextPacket, Span<short> pcm)
    {
        var result = _backend.Decode(nextPacket, pcm, pcm.Length / Channels, fec: true);
        return result < 0 ? throw new OpusException("opus_decode(FEC)", result) : result;
    }

    public void Reset() => _backend.Reset();

    public void Dispose() => _backend.Dispose();
}
