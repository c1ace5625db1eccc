namespace PhoneBridge.Rtc.Sdp;

/// <summary>RFC 4145 / RFC 8842 <c>a=setup</c>: which side acts as DTLS client (active) or server (passive).</summary>
public enum SdpSetupRole
{
    ActPass,
    Active,
    Passive,
    HoldConn,
}

public static class SdpSetupRoleExtensions
{
    public static string ToSdp(this SdpSetupRole role) => role switch
    {
        SdpSetupRole.ActPass => "actpass",
        SdpSetupRole.Active => "active",
        SdpSetupRole.Passive => "passive",
        _ => "holdconn",
    };

    public static SdpSetupRole? Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "actpass" => SdpSetupRole.ActPass,
        "active" => SdpSetupRole.Active,
        "passive" => SdpSetupRole.Passive,
        "holdconn" => SdpSetupRole.HoldConn,
        _ => null,
    };
}
