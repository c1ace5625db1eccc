namespace PhoneBridge.Telnyx;

/// <summary>
/// Codecs we ask Telnyx to stream in both directions. Names match the Call Control values
/// (<c>stream_codec</c>, <c>stream_bidirectional_codec</c>), which are case-sensitive.
/// </summary>
public enum TelnyxCodec
{
    /// <summary>G.711 μ-law at 8 kHz; the default and what most PSTN legs carry.</summary>
    PCMU,

    /// <summary>G.711 A-law at 8 kHz.</summary>
    PCMA,

    /// <summary>Linear 16-bit big-endian PCM at 16 kHz (wideband).</summary>
    L16,
}
