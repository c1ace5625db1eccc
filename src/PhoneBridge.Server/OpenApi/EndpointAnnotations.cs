using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Server.OpenApi;

/// <summary>
/// Turns what our endpoint filters require into the API description: the Bearer scheme for API-key endpoints,
/// the provider's signature headers for webhooks, and the answers those filters give (401, 403).
/// </summary>
internal static class EndpointAnnotations
{
    public const string BearerScheme = "Bearer";

    public static void Apply(OpenApiOperation operation, IEnumerable<object> metadata, OpenApiDocument document)
    {
        foreach (var item in metadata)
        {
            switch (item)
            {
                case ApiKeyRequiredMetadata:
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
                    AddResponse(operation, "401", "Missing or wrong Authorization: Bearer {PhoneBridge:ApiKey} (or no key configured).");
                    break;
                case SignatureHeaderMetadata header:
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = header.Name,
                        In = ParameterLocation.Header,
                        Required = true,
                        Description = header.Description,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                    AddResponse(operation, "403", "Missing or invalid provider signature; the request is not acted on.");
                    break;
                case WebSocketEndpointMetadata:
                    AddResponse(operation, "101", "Switching Protocols: the media socket is open.");
                    AddResponse(operation, "400", "Not a WebSocket upgrade.");
                    operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                    operation.Extensions["x-websocket"] = new JsonNodeExtension(JsonValue.Create(true));
                    break;
            }
        }
    }

    private static void AddResponse(OpenApiOperation operation, string status, string description)
    {
        operation.Responses ??= [];
        operation.Responses.TryAdd(status, new OpenApiResponse { Description = description });
    }
}
