namespace PhoneBridge.Rtc.Rtp;

/// <summary>The fixed RTP header fields a sender chooses per packet (RFC 3550 §5.1).</summary>
public struct RtpHeader
{
    public const int FixedLength = 12;
    public const int Version = 2;

    public bool Marker { get; set; }

    /// <summary>7-bit payload type.</summary>
    public byte PayloadType { get; set; }

    public ushort SequenceNumber { get; set; }

    public uint Timestamp { get; set; }

    public uint Ssrc { get; set; }
}
