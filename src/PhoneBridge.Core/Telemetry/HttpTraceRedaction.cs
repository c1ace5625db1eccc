using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// Keeps secrets out of the HTTP spans: the one-time token of a media URL (<c>/{provider}/media/{callId}/{token}</c>)
/// becomes <c>{token}</c> in <c>url.path</c>, and query strings (which may carry keys) are not recorded at all, on
/// server and client spans alike. Span names use the route template, which names the token and not its value.
/// </summary>
internal static class HttpTraceRedaction
{
    private const string TokenParameter = "token";
    private const string UrlPath = "url.path";
    private const string UrlQuery = "url.query";
    private const string UrlFull = "url.full";

    /// <summary>At the request's start, before routing: media URLs are recognised by their shape.</summary>
    public static void EnrichServerRequest(Activity activity, HttpRequest request)
    {
        activity.SetTag(UrlQuery, null);
        if (RedactMediaPath(request.Path.Value) is { } redacted)
        {
            activity.SetTag(UrlPath, redacted);
        }
    }

    /// <summary>At the end, after routing: any route with a <c>{token}</c> parameter records its template as the path.</summary>
    public static void EnrichServerResponse(Activity activity, HttpResponse response)
    {
        activity.SetTag(UrlQuery, null);
        if (response.HttpContext.GetEndpoint() is RouteEndpoint { RoutePattern: var pattern } && pattern.GetParameter(TokenParameter) is not null)
        {
            activity.SetTag(UrlPath, "/" + pattern.RawText?.TrimStart('/'));
        }
    }

    /// <summary>Outgoing requests: the URL without its query, and without a media token should one be requested.</summary>
    public static void EnrichClientRequest(Activity activity, HttpRequestMessage request)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            activity.SetTag(UrlFull, RedactMediaPath(uri.AbsolutePath) is { } path
                ? uri.GetLeftPart(UriPartial.Authority) + path
                : uri.GetLeftPart(UriPartial.Path));
        }
    }

    /// <summary><c>/x/media/{callId}/{anything}</c> with the last segment replaced by <c>{token}</c>; null for other paths.</summary>
    internal static string? RedactMediaPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 4 && string.Equals(segments[1], "media", StringComparison.OrdinalIgnoreCase))
        {
            return $"/{segments[0]}/media/{segments[2]}/{{token}}";
        }

        return null;
    }
}
