namespace PhoneBridge.Rtc;

public enum RtcSdpType
{
    Offer,
    Answer,
}

/// <summary>An SDP with its role in the offer/answer exchange (browser <c>RTCSessionDescriptionInit</c>).</summary>
public sealed record RtcSessionDescription(RtcSdpType Type, string Sdp);
