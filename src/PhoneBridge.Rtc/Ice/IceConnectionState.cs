namespace PhoneBridge.Rtc.Ice;

/// <summary>The agent's connectivity, mirroring RTCIceConnectionState (without "completed").</summary>
public enum IceConnectionState
{
    New,
    Checking,
    Connected,

    /// <summary>Consent responses stopped arriving; may return to <see cref="Connected"/>.</summary>
    Disconnected,

    /// <summary>No pair could be nominated, or consent expired (RFC 7675); terminal until an ICE restart.</summary>
    Failed,
    Closed,
}
