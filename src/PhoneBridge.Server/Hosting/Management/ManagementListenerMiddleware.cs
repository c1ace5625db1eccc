using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Server.Hosting.Management;

/// <summary>
/// Keeps the two listeners apart by the local port a request came in on (the <c>Host</c> header is the client's to
/// choose): the management port serves only endpoints marked <see cref="ManagementEndpointMetadata"/>, the public ports
/// none marked <see cref="ManagementEndpointMetadata.Only"/>. Anything else is 404, as if it did not exist there.
/// </summary>
internal sealed class ManagementListenerMiddleware(RequestDelegate next, IOptions<ServerOptions> options)
{
    private readonly HashSet<int> _ports = ManagementListener.Ports(options.Value.ManagementUrls);

    public Task InvokeAsync(HttpContext context)
    {
        var management = context.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpointMetadata>();
        var onManagementPort = _ports.Contains(context.Connection.LocalPort);
        var served = onManagementPort ? management is not null : management is null or { IsPublicToo: true };
        if (served)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
