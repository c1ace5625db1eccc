using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Stream.Edge;

namespace PhoneBridge.Stream;

public static class StreamEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>POST /stream/calls/{type}/{id}/hangup</c> (PhoneBridge API key): lets an agent end the phone calls
    /// bridged into that Stream call (all of them: the caller and a warm-transfer leg). 202 when a phone was there,
    /// 404 otherwise; phones held by other instances are hung up there. Not mapped when the Stream edge
    /// is not registered (no Stream credentials).
    /// </summary>
    public static IEndpointRouteBuilder MapStreamEdge(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<StreamEdge>() is null)
        {
            return endpoints;
        }

        endpoints.MapPost("/stream/calls/{type}/{id}/hangup", Results<Accepted, NotFound> (string type, string id, StreamEdge edge) =>
                StreamHangupForwarding.HangUp(edge, type, id))
            .RequirePhoneBridgeApiKey()
            .ForwardToOwner(StreamHangupForwarding.Action, StreamHangupForwarding.Forwarding)
            .WithName("StreamHangUpCall")
            .WithTags("Stream")
            .WithSummary("Ends the phone calls bridged into a Stream call (for agents)")
            .WithDescription("202 when phone calls were bridged into that Stream call and are now being hung up (every phone in it, a warm-transfer leg too), 404 otherwise.");
        return endpoints;
    }
}
