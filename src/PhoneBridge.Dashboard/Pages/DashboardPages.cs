using Microsoft.AspNetCore.Http;
using PhoneBridge.Dashboard.Assets;
using PhoneBridge.Dashboard.Sessions;

namespace PhoneBridge.Dashboard.Pages;

/// <summary>Serves the embedded pages and assets, the pages only to a logged-in session (the login otherwise).</summary>
internal static class DashboardPages
{
    public const string LoginPath = "/dashboard/login";

    // Only what the server itself serves: no inline script, no other origin.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: mediastream:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>A page of a logged-in session; a redirect to the login without one.</summary>
    public static IResult Page(HttpContext context, DashboardSessions sessions, DashboardAssets assets, string name) =>
        sessions.Find(context) is null ? TypedResults.Redirect(LoginPath) : Asset(context, assets, name);

    /// <summary>An embedded file by name (pages included), 404 for any other name.</summary>
    public static IResult Asset(HttpContext context, DashboardAssets assets, string name)
    {
        if (!assets.TryGet(name, out var asset))
        {
            return TypedResults.NotFound();
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (name.EndsWith(".html", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.CacheControl = "no-store";
        }

        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
