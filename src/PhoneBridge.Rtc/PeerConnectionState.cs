namespace PhoneBridge.Rtc;

/// <summary>Aggregate of ICE and DTLS state, as in the browser's <c>RTCPeerConnectionState</c>.</summary>
public enum PeerConnectionState
{
    New,
    Connecting,
    Connected,

    /// <summary>Consent checks are failing; may recover to <see cref="Connected"/>.</summary>
    Disconnected,

    /// <summary>ICE or DTLS failed (no route, consent lost, bad fingerprint); needs an ICE restart or a new connection.</summary>
    Failed,
    Closed,
}
