namespace PhoneBridge.Telnyx.Media;

/// <summary>The tokenized media socket URL Telnyx is told to open.</summary>
public static class TelnyxMediaUrl
{
    public const string PathPrefix = "/telnyx/media";

    /// <param name="publicWebSocketBase">Public <c>wss://host[:port][/base]</c> of this server.</param>
    public static Uri Build(Uri publicWebSocketBase, string callId, string token)
    {
        ArgumentNullException.ThrowIfNull(publicWebSocketBase);
        var baseText = publicWebSocketBase.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri($"{baseText}{PathPrefix}/{Uri.EscapeDataString(callId)}/{Uri.EscapeDataString(token)}", UriKind.Absolute);
    }
}
