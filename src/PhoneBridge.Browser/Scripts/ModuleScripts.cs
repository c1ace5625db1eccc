using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PhoneBridge.Browser.Scripts;

/// <summary>
/// <c>GET /browser/phone.js</c> and <c>GET /browser/listen.js</c>: the two ES modules a page imports to call the agent
/// or listen in. Static and anonymous (they hold no secret; every request they make carries the page's own
/// credentials), read once from the assembly.
/// </summary>
internal static class ModuleScripts
{
    public const string ContentType = "text/javascript; charset=utf-8";

    public static readonly byte[] Phone = Load("phone.js");

    public static readonly byte[] Listen = Load("listen.js");

    public static readonly byte[] Signaling = Load("signaling.js");

    public static FileContentHttpResult Serve(HttpContext http, byte[] script)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(script, ContentType);
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(ModuleScripts).Assembly.GetManifestResourceStream("PhoneBridge.Browser.Scripts." + name)
            ?? throw new InvalidOperationException($"The embedded module {name} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
