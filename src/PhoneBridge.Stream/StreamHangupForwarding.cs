using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Stream.Edge;

namespace PhoneBridge.Stream;

/// <summary>
/// <c>POST /stream/calls/{type}/{id}/hangup</c> across instances: the phones of a Stream call may be held by any
/// instance and no registry names one by its Stream call, so an instance without them asks the others, and the first
/// that hung phones up answers.
/// </summary>
internal static class StreamHangupForwarding
{
    public const string Action = "stream.hangup";

    public static readonly OwnerForwarding Forwarding = new(KeyOf, IsHeldHere, ByOwner: false, WithBody: false);

    public static Results<Accepted, NotFound> HangUp(StreamEdge edge, string type, string id) =>
        edge.RequestHangup(type, id, "hangup requested by the Stream call") ? TypedResults.Accepted((string?)null) : TypedResults.NotFound();

    public static IServiceCollection AddStreamHangupCommand(this IServiceCollection services) =>
        services.AddCallCommand(Action, (command, http) =>
        {
            var slash = command.Key.IndexOf('/', StringComparison.Ordinal);
            var edge = http.RequestServices.GetService<StreamEdge>();
            IResult result = edge is null || slash <= 0
                ? TypedResults.NotFound()
                : HangUp(edge, command.Key[..slash], command.Key[(slash + 1)..]);
            return Task.FromResult(result);
        });

    private static string? KeyOf(HttpContext http) =>
        http.Request.RouteValues["type"] is string type && http.Request.RouteValues["id"] is string id ? type + "/" + id : null;

    private static bool IsHeldHere(HttpContext http, string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return http.RequestServices.GetRequiredService<StreamEdge>().PhonesIn(key[..slash], key[(slash + 1)..]).Count > 0;
    }
}
