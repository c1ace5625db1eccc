namespace PhoneBridge.Rtc.Srtp;

/// <summary>SRTP protection profiles negotiated through DTLS <c>use_srtp</c> (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public enum SrtpProfile : ushort
{
    AesCm128HmacSha1_80 = 0x0001,
    AeadAes128Gcm = 0x0007,
}

/// <summary>Key, salt and tag sizes of each <see cref="SrtpProfile"/>.</summary>
public static class SrtpProfileInfo
{
    /// <summary>Largest number of bytes <see cref="SrtpSession.ProtectRtp"/> or <see cref="SrtpSession.ProtectRtcp"/> appends.</summary>
    public const int MaxOverhead = 16 + SrtcpIndexLength;

    internal const int SrtcpIndexLength = 4;

    public static int MasterKeyLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 16,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw Unsupported(profile),
    };

    public static int MasterSaltLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 14,
        SrtpProfile.AeadAes128Gcm => 12,
        _ => throw Unsupported(profile),
    };

    /// <summary>Authentication tag appended to each SRTP and SRTCP packet.</summary>
    public static int TagLength(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 10,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw Unsupported(profile),
    };

    /// <summary>Bytes added to an RTP packet by protection.</summary>
    public static int RtpOverhead(this SrtpProfile profile) => profile.TagLength();

    /// <summary>Bytes added to an RTCP packet by protection (tag plus the E flag and SRTCP index).</summary>
    public static int RtcpOverhead(this SrtpProfile profile) => profile.TagLength() + SrtcpIndexLength;

    /// <summary>The profile's registered name, as used in DTLS logs and SDP.</summary>
    public static string RegisteredName(this SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => "SRTP_AES128_CM_HMAC_SHA1_80",
        SrtpProfile.AeadAes128Gcm => "SRTP_AEAD_AES_128_GCM",
        _ => throw Unsupported(profile),
    };

    private static ArgumentOutOfRangeException Unsupported(SrtpProfile profile) =>
        new(nameof(profile), profile, "Unsupported SRTP protection profile.");
}
