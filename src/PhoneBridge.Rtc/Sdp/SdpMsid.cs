namespace PhoneBridge.Rtc.Sdp;

/// <summary><c>a=msid:&lt;stream id&gt; [&lt;track id&gt;]</c> (RFC 8830). The Stream SFU encodes the participant in the stream id.</summary>
public sealed record SdpMsid(string StreamId, string? TrackId)
{
    public string ToSdpValue() => TrackId is null ? StreamId : $"{StreamId} {TrackId}";

    public static SdpMsid? TryParse(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            0 => null,
            1 => new SdpMsid(parts[0], null),
            _ => new SdpMsid(parts[0], parts[1]),
        };
    }
}
