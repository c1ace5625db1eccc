using System.Text.Json;
using System.Text.Json.Serialization;

namespace PhoneBridge.Redis.Routing;

/// <summary>
/// One message on the routing bus: a request (<see cref="Action"/> set: a <see cref="Core.Cluster.CallCommand"/> and
/// the instance to answer) or a reply (<see cref="Status"/> set: a <see cref="Core.Cluster.CallCommandReply"/>),
/// matched by <see cref="Id"/>.
/// </summary>
internal sealed record RouteMessage
{
    /// <summary>Correlation id, new per request, repeated by its reply.</summary>
    public required string Id { get; init; }

    /// <summary>The instance that sent the request (it listens for the reply on its own channel).</summary>
    public string? From { get; init; }

    public string? Action { get; init; }

    public string? Key { get; init; }

    public JsonElement? Arguments { get; init; }

    public string? PublicBaseUrl { get; init; }

    public int? Status { get; init; }

    public string? ContentType { get; init; }

    public string? Location { get; init; }

    public string? Body { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RouteMessage))]
internal sealed partial class RouteMessageJson : JsonSerializerContext;
