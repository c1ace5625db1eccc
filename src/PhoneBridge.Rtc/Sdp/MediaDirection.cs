namespace PhoneBridge.Rtc.Sdp;

/// <summary>RFC 3264 media direction from the point of view of the SDP's author.</summary>
public enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

public static class MediaDirectionExtensions
{
    public static string ToSdp(this MediaDirection d) => d switch
    {
        MediaDirection.SendRecv => "sendrecv",
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        _ => "inactive",
    };

    /// <summary>The direction the answerer should use so it matches the offer and what it wants locally.</summary>
    public static MediaDirection Answer(this MediaDirection offered, MediaDirection wanted)
    {
        var send = offered.CanReceive() && wanted.CanSend();
        var recv = offered.CanSend() && wanted.CanReceive();
        return (send, recv) switch
        {
            (true, true) => MediaDirection.SendRecv,
            (true, false) => MediaDirection.SendOnly,
            (false, true) => MediaDirection.RecvOnly,
            _ => MediaDirection.Inactive,
        };
    }

    /// <summary>The same stream seen from the other side.</summary>
    public static MediaDirection Reverse(this MediaDirection d) => d switch
    {
        MediaDirection.SendOnly => MediaDirection.RecvOnly,
        MediaDirection.RecvOnly => MediaDirection.SendOnly,
        _ => d,
    };

    public static bool CanSend(this MediaDirection d) => d is MediaDirection.SendRecv or MediaDirection.SendOnly;

    public static bool CanReceive(this MediaDirection d) => d is MediaDirection.SendRecv or MediaDirection.RecvOnly;

    internal static MediaDirection? TryParse(string name) => name switch
    {
        "sendrecv" => MediaDirection.SendRecv,
        "sendonly" => MediaDirection.SendOnly,
        "recvonly" => MediaDirection.RecvOnly,
        "inactive" => MediaDirection.Inactive,
        _ => null,
    };
}
