using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Server.OpenApi;

/// <summary>
/// Applies <see cref="EndpointAnnotations"/> to every operation the API explorer describes, and the bodies that
/// handlers read by themselves (<see cref="RequestBodyDescriptionMetadata"/>).
/// </summary>
internal sealed class EndpointAnnotationsTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (context.Document is { } document)
        {
            EndpointAnnotations.Apply(operation, metadata, document);
        }

        if (operation.RequestBody is null && metadata.OfType<RequestBodyDescriptionMetadata>().FirstOrDefault() is { } body)
        {
            var schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { [body.ContentType] = new() { Schema = schema } },
            };
        }
    }
}
