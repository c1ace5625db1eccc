namespace PhoneBridge.Rtc.Stun;

/// <summary>STUN methods used by ICE (RFC 8445) and TURN (RFC 8656).</summary>
public enum StunMethod : ushort
{
    Binding = 0x001,
    Allocate = 0x003,
    Refresh = 0x004,
    Send = 0x006,
    Data = 0x007,
    CreatePermission = 0x008,
    ChannelBind = 0x009,
}
