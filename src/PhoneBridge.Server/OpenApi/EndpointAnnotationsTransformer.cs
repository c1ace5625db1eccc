using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PhoneBridge.Server.OpenApi;

/// <summary>Applies <see cref="EndpointAnnotations"/> to every operation the API explorer describes.</summary>
internal sealed class EndpointAnnotationsTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Document is { } document)
        {
            EndpointAnnotations.Apply(operation, context.Description.ActionDescriptor.EndpointMetadata, document);
        }

        return Task.CompletedTask;
    }
}
