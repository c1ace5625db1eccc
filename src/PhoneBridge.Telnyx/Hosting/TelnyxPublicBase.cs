using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace PhoneBridge.Telnyx.Hosting;

/// <summary>
/// The public WebSocket base (<c>wss://host</c>) Telnyx must reach: <c>PhoneBridge:PublicUrl</c>, else the
/// <c>NGROK_URL</c> host, else the request's own (forwarded) scheme and host.
/// </summary>
internal static class TelnyxPublicBase
{
    public static Uri? Resolve(IConfiguration configuration, HttpRequest? request)
    {
        var configured = configuration["PhoneBridge:PublicUrl"];
        if (!string.IsNullOrWhiteSpace(configured) && Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var publicUrl))
        {
            return ToWebSocket(publicUrl);
        }

        var ngrok = configuration["NGROK_URL"];
        if (!string.IsNullOrWhiteSpace(ngrok))
        {
            var text = ngrok.Trim();
            if (!text.Contains("://", StringComparison.Ordinal))
            {
                text = "https://" + text;
            }

            if (Uri.TryCreate(text, UriKind.Absolute, out var ngrokUrl))
            {
                return ToWebSocket(ngrokUrl);
            }
        }

        if (request is null || !request.Host.HasValue)
        {
            return null;
        }

        return new Uri($"{(request.IsHttps ? "wss" : "ws")}://{request.Host.ToUriComponent()}{request.PathBase}", UriKind.Absolute);
    }

    private static Uri ToWebSocket(Uri url)
    {
        var builder = new UriBuilder(url)
        {
            Scheme = url.Scheme is "http" or "ws" ? "ws" : "wss",
            Query = string.Empty,
            Fragment = string.Empty,
        };
        if (url.IsDefaultPort)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }
}
