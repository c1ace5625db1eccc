namespace PhoneBridge.Rtc.Ice;

/// <summary>Which local candidates may be used (RTCIceTransportPolicy).</summary>
public enum IcePolicy
{
    All,

    /// <summary>Only TURN relay candidates are advertised and used, e.g. where direct UDP is blocked.</summary>
    RelayOnly,
}
