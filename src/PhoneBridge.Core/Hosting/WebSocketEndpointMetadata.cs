namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Marks a media socket endpoint. Such endpoints are mapped for every method (WebSocket upgrades over HTTP/2
/// arrive as CONNECT), which the API explorer skips; the API description shows them as the HTTP/1.1 upgrade
/// (<c>GET</c>, answered with 101 Switching Protocols).
/// </summary>
public sealed class WebSocketEndpointMetadata
{
    public static WebSocketEndpointMetadata Instance { get; } = new();

    private WebSocketEndpointMetadata()
    {
    }
}
