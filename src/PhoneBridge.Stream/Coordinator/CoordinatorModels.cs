using System.Text.Json;
using System.Text.Json.Serialization;

namespace PhoneBridge.Stream.Coordinator;

// Wire shapes of the coordinator's JSON API (only the fields this bridge reads or writes).

/// <summary>A user to create or update (<c>UserRequest</c>).</summary>
public sealed record StreamUserRequest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("role")] string? Role = null,
    [property: JsonPropertyName("custom")] Dictionary<string, JsonElement>? Custom = null);

/// <summary>
/// One user's partial update (<c>UpdateUserPartialRequest</c>): <see cref="Set"/> writes the named fields, a name that
/// is not a built-in user field being a custom field (<c>"phone"</c> is <c>custom.phone</c>); everything not named is kept.
/// </summary>
public sealed record StreamUserPartialUpdate(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("set")] Dictionary<string, JsonElement>? Set = null,
    [property: JsonPropertyName("unset")] IReadOnlyList<string>? Unset = null);

internal sealed record UpdateUsersPartialRequest(
    [property: JsonPropertyName("users")] IReadOnlyList<StreamUserPartialUpdate> Users);

internal sealed record UpdateUsersRequest(
    [property: JsonPropertyName("users")] Dictionary<string, StreamUserRequest> Users);

internal sealed record CallMemberRequest(
    [property: JsonPropertyName("user_id")] string UserId);

internal sealed record CallRequest(
    [property: JsonPropertyName("created_by_id")] string? CreatedById = null,
    [property: JsonPropertyName("members")] IReadOnlyList<CallMemberRequest>? Members = null,
    [property: JsonPropertyName("custom")] Dictionary<string, string>? Custom = null);

internal sealed record GetOrCreateCallRequest(
    [property: JsonPropertyName("data")] CallRequest? Data);

/// <summary>The parts of <c>GetOrCreateCallResponse</c> we use.</summary>
public sealed record GetOrCreateCallResponse(
    [property: JsonPropertyName("created")] bool Created,
    [property: JsonPropertyName("call")] JsonElement Call);

/// <summary>Options of one <c>/join</c> request.</summary>
/// <param name="MigratingFrom">Edge being left (MIGRATE) so the coordinator picks another SFU.</param>
/// <param name="MigratingFromList">Edges to avoid (full or shutting-down SFUs).</param>
public sealed record JoinCallOptions(
    bool Create = true,
    string? MigratingFrom = null,
    IReadOnlyList<string>? MigratingFromList = null);

internal sealed record JoinCallRequest(
    [property: JsonPropertyName("location")] string Location,
    [property: JsonPropertyName("create")] bool Create,
    [property: JsonPropertyName("migrating_from")] string? MigratingFrom,
    [property: JsonPropertyName("migrating_from_list")] IReadOnlyList<string>? MigratingFromList);

/// <summary>The parts of <c>JoinCallResponse</c> a media client needs.</summary>
public sealed record JoinCallResponse(
    [property: JsonPropertyName("credentials")] SfuCredentials Credentials,
    [property: JsonPropertyName("own_capabilities")] IReadOnlyList<string>? OwnCapabilities,
    [property: JsonPropertyName("created")] bool Created);

/// <summary>Where the SFU is and how to talk to it.</summary>
/// <param name="Token">SFU token (opaque; for the WebSocket join and Twirp calls). Never logged.</param>
public sealed record SfuCredentials(
    [property: JsonPropertyName("server")] SfuServer Server,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("ice_servers")] IReadOnlyList<IceServerInfo>? IceServers);

/// <param name="Url">Twirp base URL, already ending in <c>/twirp</c>.</param>
/// <param name="WsEndpoint">Signalling WebSocket URL.</param>
/// <param name="EdgeName">SFU id, used for migration and for avoiding a failed edge.</param>
public sealed record SfuServer(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("ws_endpoint")] string WsEndpoint,
    [property: JsonPropertyName("edge_name")] string EdgeName);

/// <summary>An ICE server from the credentials (<c>password</c> is the RTCIceServer credential).</summary>
public sealed record IceServerInfo(
    [property: JsonPropertyName("urls")] IReadOnlyList<string> Urls,
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("password")] string? Password);

internal sealed record SendCallEventRequest(
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("custom")] Dictionary<string, JsonElement> Custom);

internal sealed record StreamErrorBody(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("StatusCode")] int? StatusCode,
    [property: JsonPropertyName("more_info")] string? MoreInfo);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UpdateUsersRequest))]
[JsonSerializable(typeof(UpdateUsersPartialRequest))]
[JsonSerializable(typeof(GetOrCreateCallRequest))]
[JsonSerializable(typeof(GetOrCreateCallResponse))]
[JsonSerializable(typeof(JoinCallRequest))]
[JsonSerializable(typeof(JoinCallResponse))]
[JsonSerializable(typeof(SendCallEventRequest))]
[JsonSerializable(typeof(StreamErrorBody))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
internal sealed partial class CoordinatorJsonContext : JsonSerializerContext;
