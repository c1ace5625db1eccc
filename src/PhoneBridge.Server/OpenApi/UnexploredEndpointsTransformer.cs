using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Server.OpenApi;

/// <summary>
/// Describes the endpoints the API explorer skips: those mapped for every method (the media sockets, which must
/// also accept HTTP/2 CONNECT upgrades) and those without a route handler (the health checks). They are shown as
/// <c>GET</c> — the HTTP/1.1 WebSocket upgrade, or the health probe — from their route pattern and metadata (name,
/// summary, tags, produced responses, and <see cref="EndpointAnnotations"/>). Endpoints excluded from the
/// description (the OpenAPI document and Scalar UI themselves) stay out.
/// </summary>
internal sealed class UnexploredEndpointsTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        var dataSource = context.ApplicationServices.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in dataSource.Endpoints.OfType<RouteEndpoint>())
        {
            var metadata = endpoint.Metadata;
            if (metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }
                || (metadata.GetMetadata<MethodInfo>() is not null && metadata.GetMetadata<IHttpMethodMetadata>() is not null))
            {
                continue;
            }

            var methods = metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declared ? declared : [HttpMethods.Get];
            document.Paths ??= [];
            var path = OpenApiPath(endpoint.RoutePattern);
            if (!document.Paths.TryGetValue(path, out var existing) || existing is not OpenApiPathItem item)
            {
                item = new OpenApiPathItem();
                document.Paths[path] = item;
            }

            foreach (var method in methods)
            {
                var httpMethod = new HttpMethod(method);
                if (item.Operations?.ContainsKey(httpMethod) != true)
                {
                    item.AddOperation(httpMethod, Describe(endpoint, document));
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The OpenAPI path of a route: literal segments as they are, parameters as <c>{name}</c> without constraints.</summary>
    public static string OpenApiPath(RoutePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => string.Empty,
        })));
        return "/" + string.Join('/', segments);
    }

    private static OpenApiOperation Describe(RouteEndpoint endpoint, OpenApiDocument document)
    {
        var metadata = endpoint.Metadata;
        var operation = new OpenApiOperation
        {
            OperationId = metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
            Summary = metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary,
            Description = metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description,
            Responses = [],
        };

        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                In = ParameterLocation.Path,
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        foreach (var tag in metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags).Distinct(StringComparer.Ordinal))
        {
            document.Tags ??= new HashSet<OpenApiTag>();
            if (!document.Tags.Any(t => t.Name == tag))
            {
                document.Tags.Add(new OpenApiTag { Name = tag });
            }

            operation.Tags ??= new HashSet<OpenApiTagReference>();
            operation.Tags.Add(new OpenApiTagReference(tag, document));
        }

        EndpointAnnotations.Apply(operation, metadata, document);
        foreach (var produced in metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
        {
            var response = new OpenApiResponse { Description = produced.Description ?? ReasonPhrases.GetReasonPhrase(produced.StatusCode) };
            if (produced.Type == typeof(string))
            {
                response.Content = produced.ContentTypes.DefaultIfEmpty("text/plain").ToDictionary(
                    type => type, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
            }

            operation.Responses.TryAdd(produced.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), response);
        }

        return operation;
    }
}
