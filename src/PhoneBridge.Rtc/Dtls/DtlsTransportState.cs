namespace PhoneBridge.Rtc.Dtls;

/// <summary>Life cycle of a <see cref="DtlsTransport"/>, mirroring RTCDtlsTransportState.</summary>
public enum DtlsTransportState
{
    New,
    Connecting,
    Connected,
    /// <summary>The peer sent close_notify or this side closed.</summary>
    Closed,
    /// <summary>The handshake failed, the fingerprint did not match, or a fatal alert arrived.</summary>
    Failed,
}
