using System.ComponentModel.DataAnnotations;

namespace PhoneBridge.Rtc.Opus;

/// <summary>Encoder settings. Complexity and bandwidth are the main CPU knobs (encode is most of the media CPU).</summary>
public sealed class OpusEncoderOptions
{
    /// <summary>PCM rate given to the encoder: 8000 caps the coded band to narrowband, 16000 to wideband.</summary>
    [AllowedValues(8000, 12000, 16000, 24000, 48000)]
    public int SampleRate { get; set; } = 8000;

    [Range(1, 2)]
    public int Channels { get; set; } = 1;

    /// <summary>0 (cheapest) to 10 (best); libopus defaults to 9.</summary>
    [Range(0, 10)]
    public int Complexity { get; set; } = 5;

    /// <summary>Target bitrate in bit/s; 0 lets libopus choose.</summary>
    [Range(0, 510_000)]
    public int Bitrate { get; set; }

    /// <summary>In-band FEC lets the receiver rebuild one lost frame from the next packet.</summary>
    public bool InbandFec { get; set; } = true;

    /// <summary>Expected loss; FEC is only produced when this is above zero.</summary>
    [Range(0, 100)]
    public int PacketLossPercent { get; set; } = 10;

    public bool Dtx { get; set; }
}
