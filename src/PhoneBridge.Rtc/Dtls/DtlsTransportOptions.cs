using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>Tuning for <see cref="DtlsTransport"/>; the defaults suit WebRTC peers.</summary>
public sealed class DtlsTransportOptions
{
    /// <summary>Give up a handshake that has not completed in this time (BouncyCastle retransmits within it).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>SRTP profiles offered (client) or accepted (server), most preferred first.</summary>
    public IReadOnlyList<SrtpProfile> SrtpProfiles { get; set; } = [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80];

    /// <summary>Limiter shared by transports; <see cref="DtlsHandshakeLimiter.Shared"/> when null.</summary>
    public DtlsHandshakeLimiter? Limiter { get; set; }
}
