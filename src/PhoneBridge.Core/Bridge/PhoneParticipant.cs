using PhoneBridge.Core.Privacy;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Bridge;

/// <summary>
/// How the phone appears in the edge call. One place, because the join at registration and the join when the media
/// stream starts must name the same participant for the first to stand in for the second.
/// </summary>
public static class PhoneParticipant
{
    /// <summary>The phone participant's edge user id: derived from our call id, never from the number.</summary>
    public static string UserId(string callId) => "phone-" + callId;

    /// <summary>The phone participant's display name: the caller's number masked as in the logs.</summary>
    public static string DisplayName(CallInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return string.IsNullOrEmpty(info.From) ? "Phone caller" : $"Phone {Redaction.MaskPhoneNumber(info.From)}";
    }
}
