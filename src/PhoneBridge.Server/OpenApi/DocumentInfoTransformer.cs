using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PhoneBridge.Server.OpenApi;

/// <summary>Title, description and the Bearer scheme (<c>PhoneBridge:ApiKey</c>) the API-key endpoints refer to.</summary>
internal sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info ??= new OpenApiInfo();
        document.Info.Title = "PhoneBridge";
        document.Info.Description =
            "Bridges Twilio and Telnyx phone calls into Stream Video calls (or a local echo). Webhooks are signed by the "
            + "provider; media sockets are WebSocket upgrades on one-time URLs handed to the provider; the management "
            + "endpoints take Authorization: Bearer {PhoneBridge:ApiKey}.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[EndpointAnnotations.BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The value of PhoneBridge:ApiKey; compared in constant time.",
        };
        return Task.CompletedTask;
    }
}
