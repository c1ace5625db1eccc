namespace PhoneBridge.Rtc.Rtp;

/// <summary>RTP header extension element formats (RFC 8285 §4.2, §4.3).</summary>
public enum RtpExtensionFormat
{
    None,
    /// <summary>Profile 0xBEDE: ids 1..14, 1..16 data bytes.</summary>
    OneByte,
    /// <summary>Profile 0x100x: ids 1..255, 0..255 data bytes.</summary>
    TwoByte,
}
