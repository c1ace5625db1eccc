using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Server.Hosting.Management;

public static class ManagementEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the operators' endpoints (<c>/stats</c>, <c>/stats/gc</c>, <c>/metrics</c>, …) that <paramref name="map"/>
    /// adds to the group it is given, in one place: without <see cref="ServerOptions.ManagementUrls"/> they are served
    /// with the rest and need <c>Authorization: Bearer {PhoneBridge:ApiKey}</c>; with it they are served only on the
    /// management listener, anonymous (it is meant to be reachable from the cluster only), and the public listener
    /// answers 404 for them. Adding an endpoint is one line in <paramref name="map"/>.
    /// </summary>
    public static RouteGroupBuilder MapManagement(this IEndpointRouteBuilder endpoints, Action<IEndpointRouteBuilder> map)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(map);
        var group = endpoints.MapGroup(string.Empty);
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<ServerOptions>>().Value.ManagementUrls.Count > 0)
        {
            group.WithMetadata(ManagementEndpointMetadata.Only);
        }
        else
        {
            group.RequirePhoneBridgeApiKey();
        }

        map(group);
        return group;
    }
}
