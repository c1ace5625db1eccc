using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Hosting;

/// <summary>
/// The public base URL providers use to reach us: <see cref="PhoneBridgeOptions.PublicUrl"/> when set, else the
/// request's own scheme and host (which <c>UseForwardedHeaders</c> has already rewritten behind a proxy).
/// </summary>
public sealed class PublicUrlResolver
{
    private readonly IOptionsMonitor<PhoneBridgeOptions> _options;

    public PublicUrlResolver(IOptionsMonitor<PhoneBridgeOptions> options)
    {
        _options = options;
    }

    /// <summary>Base URL without a trailing slash, e.g. <c>https://abc.ngrok.app</c>.</summary>
    public string GetBaseUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (TryGetConfigured(out var configured))
        {
            return configured;
        }

        return string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent());
    }

    /// <summary>
    /// The URL the provider requested, as it would have written it: public base + path + query. This is the
    /// string webhook signatures cover.
    /// </summary>
    public string GetRequestUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return string.Concat(GetBaseUrl(request), request.Path.ToUriComponent(), request.QueryString.ToUriComponent());
    }

    /// <summary>
    /// The tokenized media socket URL for a call: <c>wss://{host}/{provider}/media/{callId}/{token}</c>
    /// (<c>ws://</c> when the public URL is plain http).
    /// </summary>
    public string GetMediaUrl(HttpRequest request, string provider, string callId, string token) =>
        BuildMediaUrl(GetBaseUrl(request), provider, callId, token);

    /// <summary>The tokenized media socket URL under a known public base URL (no request at hand, e.g. outbound calls).</summary>
    public static string BuildMediaUrl(string publicBaseUrl, string provider, string callId, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(publicBaseUrl);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentException.ThrowIfNullOrEmpty(token);
        return string.Concat(
            ToWebSocketUrl(publicBaseUrl.TrimEnd('/')),
            "/", Uri.EscapeDataString(provider),
            "/media/", Uri.EscapeDataString(callId),
            "/", Uri.EscapeDataString(token));
    }

    /// <summary>Maps an http(s) URL onto its WebSocket scheme (https→wss, http→ws); other URLs are returned as is.</summary>
    public static string ToWebSocketUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return string.Concat("wss://", url.AsSpan("https://".Length));
        }

        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return string.Concat("ws://", url.AsSpan("http://".Length));
        }

        return url;
    }

    private bool TryGetConfigured([NotNullWhen(true)] out string? baseUrl)
    {
        var configured = _options.CurrentValue.PublicUrl;
        if (string.IsNullOrWhiteSpace(configured))
        {
            baseUrl = null;
            return false;
        }

        // Validation on start rejects a malformed value, so a parse failure here only means a bad reload.
        return TryParsePublicUrl(configured, out baseUrl);
    }

    /// <summary>Accepts an absolute http/https URL without query or fragment; returns it without a trailing slash.</summary>
    internal static bool TryParsePublicUrl(string value, [NotNullWhen(true)] out string? baseUrl)
    {
        baseUrl = null;
        var trimmed = value.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host)
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return false;
        }

        // Keep the text as written: Twilio signs the URL exactly as configured, host case included.
        baseUrl = trimmed.TrimEnd('/');
        return true;
    }
}
