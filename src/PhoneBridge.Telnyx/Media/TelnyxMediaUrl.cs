using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Telnyx.Media;

/// <summary>The tokenized media socket URL Telnyx is told to open.</summary>
public static class TelnyxMediaUrl
{
    public const string PathPrefix = "/" + TelnyxProvider.Name + "/media";

    /// <param name="publicWebSocketBase">Public <c>wss://host[:port][/base]</c> of this server.</param>
    public static Uri Build(Uri publicWebSocketBase, string callId, string token)
    {
        ArgumentNullException.ThrowIfNull(publicWebSocketBase);
        return new Uri(
            PublicUrlResolver.BuildMediaUrl(publicWebSocketBase.GetLeftPart(UriPartial.Path), TelnyxProvider.Name, callId, token),
            UriKind.Absolute);
    }
}
