using Microsoft.AspNetCore.Http;
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

    /// <summary>This server's public <c>wss://</c> base as seen by <paramref name="request"/> (the media URLs build on it).</summary>
    internal static Uri PublicWebSocketBase(PublicUrlResolver publicUrls, HttpRequest request) =>
        new(PublicUrlResolver.ToWebSocketUrl(publicUrls.GetBaseUrl(request)), UriKind.Absolute);
}
