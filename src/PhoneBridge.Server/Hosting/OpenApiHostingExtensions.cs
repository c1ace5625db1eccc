using PhoneBridge.Server.OpenApi;
using Scalar.AspNetCore;

namespace PhoneBridge.Server.Hosting;

public static class OpenApiHostingExtensions
{
    /// <summary>The one document: <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>
    /// The OpenAPI description of every endpoint: route handlers through the API explorer, media sockets and
    /// health checks through <see cref="UnexploredEndpointsTransformer"/>, auth from the endpoints' filters.
    /// </summary>
    public static IServiceCollection AddPhoneBridgeOpenApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<DocumentInfoTransformer>();
            options.AddDocumentTransformer<UnexploredEndpointsTransformer>();
            options.AddOperationTransformer<EndpointAnnotationsTransformer>();
        });
    }

    /// <summary>
    /// <c>GET /openapi/v1.json</c> always (it holds no secrets and lets clients be generated against a running
    /// server); the Scalar UI at <c>/scalar</c> in Development only.
    /// </summary>
    public static WebApplication MapPhoneBridgeOpenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(options => options.WithTitle("PhoneBridge"));
        }

        return app;
    }
}
