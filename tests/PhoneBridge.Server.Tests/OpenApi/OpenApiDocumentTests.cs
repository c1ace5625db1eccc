using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneBridge.Server.Tests.OpenApi;

public class OpenApiDocumentTests
{
    /// <summary>Every provider and the Stream edge on, so every route the server can have is mapped.</summary>
    public static readonly Dictionary<string, string?> AllEndpoints = new()
    {
        ["Telnyx:ApiKey"] = "telnyx-test-key",
        ["Telnyx:PublicKey"] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",   // RFC 8032 test vector 1
        ["Telnyx:ConnectionId"] = "telnyx-test-connection",
        ["Stream:ApiKey"] = "stream-test-key",
        ["Stream:ApiSecret"] = "stream-test-secret-that-is-long-enough-for-hs256",
        ["Stream:BaseUrl"] = "http://127.0.0.1:9/",
    };

    /// <summary>
    /// The only routes not in the document: the document itself and the Scalar UI (Development), which exclude
    /// themselves, and the dashboard, a UI too: its pages and the login, session, live list and timeline only its
    /// pages use. The media sockets are in it, as the HTTP/1.1 upgrade they start with; so is the health check.
    /// </summary>
    private static readonly string[] NotDescribed =
    [
        "GET /dashboard",
        "GET /dashboard/api/calls/{callId}",
        "GET /dashboard/assets/{name}",
        "GET /dashboard/calls/{callId}",
        "GET /dashboard/events",
        "GET /dashboard/login",
        "GET /dashboard/session",
        "POST /dashboard/login",
        "POST /dashboard/logout",
        "GET /openapi/{documentName}.json",
        "GET /scalar/favicon.svg",
        "GET /scalar/scalar.aspnetcore.js",
        "GET /scalar/scalar.js",
        "GET /scalar/{documentName}",
    ];

    [Fact]
    public async Task Document_lists_every_mapped_route_and_method()
    {
        await using var factory = new ServerFactory(settings: AllEndpoints);
        using var client = factory.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        var described = paths.EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: Normalize(path.Name), Method: op.Name.ToUpperInvariant())))
            .ToHashSet();

        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            // Routes mapped for every method (media sockets, health) are described as GET.
            var path = Normalize(Path(route.RoutePattern));
            var methods = route.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : [HttpMethods.Get];
            foreach (var method in methods.Where(method => !described.Contains((path, method))))
            {
                missing.Add(method + " " + path);
            }
        }

        Assert.Equal(NotDescribed.Order(StringComparer.Ordinal), missing);
        foreach (var expected in new[]
                 {
                     "POST /twilio/voice", "POST /twilio/amd", "POST /twilio/status", "GET /twilio/media/{callId}/{token}", "POST /twilio/calls", "DELETE /twilio/calls/{callSid}",
                     "POST /telnyx/events", "GET /telnyx/media/{callId}/{token}", "POST /telnyx/calls", "DELETE /telnyx/calls/{callControlId}",
                     "POST /stream/calls/{type}/{id}/hangup", "GET /stats", "GET /health", "GET /health/live", "GET /health/ready",
                     "POST /twilio/calls/{callSid}/transfer", "POST /stats/gc",
                     "GET /calls", "GET /calls/{callId}", "POST /calls", "POST /calls/{callId}/hangup", "POST /calls/{callId}/transfer",
                     "POST /calls/{callId}/dtmf", "POST /calls/{callId}/hold", "POST /calls/{callId}/unhold",
                     "POST /calls/{callId}/recording/start", "POST /calls/{callId}/recording/stop",
                 })
        {
            var parts = expected.Split(' ');
            Assert.Contains((parts[1], parts[0]), described);
        }
    }

    [Fact]
    public async Task Operations_have_names_summaries_auth_and_signature_headers()
    {
        await using var factory = new ServerFactory(settings: AllEndpoints);
        using var client = factory.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        var operations = root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Key: op.Name.ToUpperInvariant() + " " + Normalize(path.Name), Operation: op.Value)))
            .ToDictionary(x => x.Key, x => x.Operation);

        foreach (var (key, operation) in operations)
        {
            Assert.True(operation.TryGetProperty("operationId", out _), key + " has no operationId");
            Assert.True(operation.TryGetProperty("summary", out _), key + " has no summary");
        }

        var ids = operations.Values.Select(o => o.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());

        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        string[] protectedOperations = ["POST /twilio/calls", "DELETE /twilio/calls/{callSid}", "POST /twilio/calls/{callSid}/transfer", "GET /stats", "POST /stats/gc", "POST /telnyx/calls", "DELETE /telnyx/calls/{callControlId}", "POST /stream/calls/{type}/{id}/hangup",
            "GET /calls", "GET /calls/{callId}", "POST /calls", "POST /calls/{callId}/hangup", "POST /calls/{callId}/transfer", "POST /calls/{callId}/dtmf", "POST /calls/{callId}/hold", "POST /calls/{callId}/unhold",
            "POST /calls/{callId}/recording/start", "POST /calls/{callId}/recording/stop", "GET /metrics",
            "POST /browser/calls", "DELETE /browser/calls/{callId}", "POST /calls/{callId}/listen"];
        foreach (var (key, operation) in operations)
        {
            var secured = operation.TryGetProperty("security", out var security)
                && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("Bearer", out _));
            Assert.True(secured == protectedOperations.Contains(key), key + (secured ? " is" : " is not") + " marked as needing the API key");
            if (secured)
            {
                Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), key);
            }
        }

        Assert.Equal(["X-Twilio-Signature"], HeaderParameters(operations["POST /twilio/voice"]));
        Assert.Equal(["X-Twilio-Signature"], HeaderParameters(operations["POST /twilio/amd"]));
        Assert.Equal(["X-Twilio-Signature"], HeaderParameters(operations["POST /twilio/status"]));
        Assert.Equal(["X-Twilio-Signature"], HeaderParameters(operations["GET /twilio/media/{callId}/{token}"]));
        Assert.Equal(["telnyx-signature-ed25519", "telnyx-timestamp"], HeaderParameters(operations["POST /telnyx/events"]));
        Assert.True(operations["POST /telnyx/events"].GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(operations["GET /telnyx/media/{callId}/{token}"].GetProperty("responses").TryGetProperty("101", out _));

        // Typed results and request bodies give schemas.
        Assert.True(operations["POST /twilio/calls"].GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(operations["POST /twilio/calls"].GetProperty("responses").GetProperty("201").TryGetProperty("content", out _));
        Assert.True(operations["POST /telnyx/events"].GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(operations["POST /twilio/voice"].GetProperty("requestBody").GetProperty("content").TryGetProperty("application/x-www-form-urlencoded", out _));
        Assert.True(operations["GET /stats"].GetProperty("responses").GetProperty("200").TryGetProperty("content", out _));
        foreach (var body in new[] { "POST /calls", "POST /calls/{callId}/transfer", "POST /calls/{callId}/dtmf" })
        {
            Assert.True(operations[body].GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _), body);
        }

        Assert.True(operations["GET /calls"].GetProperty("responses").GetProperty("200").TryGetProperty("content", out _));
        Assert.True(operations["POST /calls"].GetProperty("responses").GetProperty("202").TryGetProperty("content", out _));
        foreach (var status in new[] { "400", "404", "409", "502" })
        {
            Assert.True(operations["POST /calls/{callId}/transfer"].GetProperty("responses").TryGetProperty(status, out _), status);
        }
    }

    [Fact]
    public async Task Scalar_ui_is_served_in_development_only()
    {
        await using (var development = new ServerFactory())
        {
            using var client = development.CreateClient();
            using var ui = await client.GetAsync("/scalar");
            Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        }

        await using var production = new ServerFactory("Production", new Dictionary<string, string?> { ["PhoneBridge:ApiKey"] = "production-key" });
        using var productionClient = production.CreateClient();
        using var none = await productionClient.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        using var openApi = await productionClient.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    private static string[] HeaderParameters(JsonElement operation) =>
        operation.GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "header")
            .Select(p => p.GetProperty("name").GetString()!)
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static string Path(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        }))));

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
