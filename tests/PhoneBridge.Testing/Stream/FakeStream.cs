using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PhoneBridge.Testing.Stream;

/// <summary>
/// A local Stream: coordinator REST (JWT and header checks like the real one), and one or more SFUs, each with a
/// signalling WebSocket (<c>/{edge}/ws</c>) and Twirp (<c>/{edge}/twirp/...</c>). Records what clients send.
/// </summary>
internal sealed partial class FakeStream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string[] _edges;
    private readonly ConcurrentDictionary<string, SfuToken> _sfuTokens = new(StringComparer.Ordinal);

    private FakeStream(WebApplication app, string[] edges)
    {
        _app = app;
        _edges = edges;
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every coordinator request: path, headers that matter, api_key.</summary>
    public ConcurrentQueue<CoordinatorRequest> CoordinatorRequests { get; } = new();

    /// <summary><c>GET /api/v2/app</c> requests (the server's readiness check), which are not in <see cref="CoordinatorRequests"/>.</summary>
    public int AppRequests => Volatile.Read(ref _appRequests);

    private int _appRequests;

    /// <summary>Every accepted <c>/join</c>: who, which call, the JSON body, the edge given out.</summary>
    public ConcurrentQueue<JoinRecord> Joins { get; } = new();

    public ConcurrentQueue<JsonNode> Users { get; } = new();

    public ConcurrentQueue<JsonNode> CustomEvents { get; } = new();

    /// <summary>Bodies of <c>PATCH /api/v2/users</c> (partial updates), accepted or not.</summary>
    public ConcurrentQueue<JsonNode> PartialUserUpdates { get; } = new();

    /// <summary>
    /// The users as Stream keeps them, by id: <c>{"id","name","role","custom":{…}}</c>. An upsert replaces a user whole;
    /// a partial update sets and unsets the fields it names (a name that is not a built-in field is a custom field).
    /// </summary>
    public ConcurrentDictionary<string, JsonObject> UserRecords { get; } = new(StringComparer.Ordinal);

    /// <summary>User ids upserted so far (Stream refuses events from users it does not know).</summary>
    public ConcurrentDictionary<string, string?> KnownUsers { get; } = new(StringComparer.Ordinal);

    /// <summary>Awaited by every custom-event request before it is answered (a stalled coordinator); null: no wait.</summary>
    public Func<CancellationToken, Task>? BeforeCustomEvent { get; set; }

    /// <summary>The next custom-event requests are answered with these HTTP statuses (a failing coordinator).</summary>
    public ConcurrentQueue<int> CustomEventFailures { get; } = new();

    public static async Task<FakeStream> StartAsync(params string[] edges)
    {
        edges = edges.Length == 0 ? ["sfu-a", "sfu-b", "sfu-c"] : edges;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        var fake = new FakeStream(app, edges);
        fake.MapCoordinator(app);
        fake.MapSfu(app);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            session.Socket?.Abort();
        }

        await DisposeMediaAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private void MapCoordinator(WebApplication app)
    {
        // The readiness check's request: answered like Stream's Get App Settings, counted apart from the
        // coordinator requests the tests inspect, since a probe may come at any time.
        app.MapGet("/api/v2/app", (HttpContext http) =>
        {
            Interlocked.Increment(ref _appRequests);
            var (_, error) = Authenticate(http, requireServer: true, record: false);
            return error ?? Results.Json(new { app = new { name = "phonebridge-tests" }, duration = "0.10ms" });
        });
        app.MapPost("/api/v2/users", async (HttpContext http) =>
        {
            var (claims, error) = Authenticate(http, requireServer: true);
            if (error is not null)
            {
                return error;
            }

            var body = await JsonNode.ParseAsync(http.Request.Body).ConfigureAwait(false);
            var users = body?["users"]?.AsObject();
            if (users is null || users.Count == 0)
            {
                return StreamError(4, "UpdateUsers failed with error: \"users is a required field\"", 400);
            }

            foreach (var (id, user) in users)
            {
                KnownUsers[id] = user?["name"]?.GetValue<string>();
                UserRecords[id] = FakeStreamUsers.FromUpsert(id, user);
            }

            Users.Enqueue(body!);
            return Results.Json(new { users = users.DeepClone(), duration = "1.00ms" });
        });

        app.MapMethods("/api/v2/users", ["PATCH"], async (HttpContext http) =>
        {
            var (_, error) = Authenticate(http, requireServer: true);
            if (error is not null)
            {
                return error;
            }

            var body = await JsonNode.ParseAsync(http.Request.Body).ConfigureAwait(false);
            PartialUserUpdates.Enqueue(body!.DeepClone());
            var updates = body["users"] as JsonArray;
            if (updates is null || updates.Count == 0)
            {
                return StreamError(4, "UpdateUsersPartial failed with error: \"users is a required field\"", 400);
            }

            // All or nothing, like the real one: an unknown user fails the whole request.
            foreach (var update in updates)
            {
                var id = update?["id"]?.GetValue<string>();
                if (string.IsNullOrEmpty(id) || !UserRecords.ContainsKey(id))
                {
                    return StreamError(4, $"UpdateUsersPartial failed with error: \"user {id} does not exist\"", 400);
                }
            }

            var answered = new JsonObject();
            foreach (var update in updates)
            {
                var id = update!["id"]!.GetValue<string>();
                var user = UserRecords[id];
                lock (user)
                {
                    FakeStreamUsers.Apply(user, update["set"] as JsonObject, update["unset"] as JsonArray);
                    KnownUsers[id] = user["name"]?.GetValue<string>();
                    answered[id] = user.DeepClone();
                }
            }

            return Results.Json(new { users = answered, duration = "1.00ms" });
        });

        app.MapPost("/api/v2/video/call/{type}/{id}", async (HttpContext http, string type, string id) =>
        {
            var (_, error) = Authenticate(http, requireServer: true);
            if (error is not null)
            {
                return error;
            }

            var body = await JsonNode.ParseAsync(http.Request.Body).ConfigureAwait(false);
            if (body?["data"]?["created_by_id"] is null && body?["data"]?["created_by"] is null)
            {
                return StreamError(4, "GetOrCreateCall failed with error: \"either data.created_by or data.created_by_id must be provided when using server side auth\"", 400);
            }

            var created = _calls.TryAdd(type + ":" + id, new FakeCall(type + ":" + id));
            return Results.Json(new { created, call = new { type, id, cid = type + ":" + id }, members = Array.Empty<object>(), duration = "1.00ms" },
                statusCode: created ? 201 : 200);
        });

        app.MapPost("/api/v2/video/call/{type}/{id}/join", async (HttpContext http, string type, string id) =>
        {
            var (claims, error) = Authenticate(http, requireServer: false);
            if (error is not null)
            {
                return error;
            }

            if (claims!.TryGetValue("server", out _) || !claims.TryGetValue("user_id", out var userIdClaim) || userIdClaim is not string userId)
            {
                return StreamError(17, "JoinCall failed with error: \"a user token is required to join a call\"", 403);
            }

            var body = await JsonNode.ParseAsync(http.Request.Body).ConfigureAwait(false);
            if (body?["location"] is null)
            {
                return StreamError(4, "JoinCall failed with error: \"location is a required field\"", 400);
            }

            var avoid = new HashSet<string>(StringComparer.Ordinal);
            if (body["migrating_from"]?.GetValue<string>() is { } from)
            {
                avoid.Add(from);
            }

            foreach (var e in body["migrating_from_list"]?.AsArray() ?? [])
            {
                avoid.Add(e!.GetValue<string>());
            }

            var edge = _edges.FirstOrDefault(e => !avoid.Contains(e));
            if (edge is null)
            {
                return StreamError(4, "JoinCall failed with error: \"no SFU available\"", 400);
            }

            var cid = type + ":" + id;
            var call = _calls.GetOrAdd(cid, c => new FakeCall(c));
            var token = "sfu-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            _sfuTokens[token] = new SfuToken(userId, cid, edge);
            Joins.Enqueue(new JoinRecord(userId, cid, body.DeepClone(), edge));
            var port = http.Connection.LocalPort;
            return Results.Json(new
            {
                call = new { type, id, cid },
                members = Array.Empty<object>(),
                own_capabilities = new[] { "send-audio", "join-call" },
                created = true,
                credentials = new
                {
                    server = new { url = $"http://127.0.0.1:{port}/{edge}/twirp", ws_endpoint = $"ws://127.0.0.1:{port}/{edge}/ws", edge_name = edge },
                    token,
                    ice_servers = Array.Empty<object>(),
                },
                stats_options = new { reporting_interval_ms = 10000, enable_rtc_stats = false },
                duration = "1.00ms",
            }, statusCode: 201);
        });

        app.MapPost("/api/v2/video/call/{type}/{id}/event", async (HttpContext http, string type, string id) =>
        {
            var (_, error) = Authenticate(http, requireServer: true);
            if (error is not null)
            {
                return error;
            }

            var body = await JsonNode.ParseAsync(http.Request.Body).ConfigureAwait(false);
            if (body?["custom"] is null || body["user_id"] is null)
            {
                return StreamError(4, "SendCallEvent failed with error: \"custom is a required field\"", 400);
            }

            if (BeforeCustomEvent is { } stall)
            {
                await stall(http.RequestAborted).ConfigureAwait(false);
            }

            if (CustomEventFailures.TryDequeue(out var status))
            {
                return StreamError(-1, "SendCallEvent failed with error: \"injected\"", status);
            }

            // Like the real coordinator: an event goes only to a call that exists, from a user that exists.
            var cid = type + ":" + id;
            if (!_calls.ContainsKey(cid))
            {
                return StreamError(16, $"SendCallEvent failed with error: \"Can't find call with id {cid}\"", 404);
            }

            var userId = body["user_id"]!.GetValue<string>();
            if (!KnownUsers.ContainsKey(userId))
            {
                return StreamError(16, $"SendCallEvent failed with error: \"the user {userId} does not exist\"", 404);
            }

            CustomEvents.Enqueue(body);
            return Results.Json(new { duration = "1.00ms" }, statusCode: 201);
        });
    }

    private (Dictionary<string, object>? Claims, IResult? Error) Authenticate(HttpContext http, bool requireServer, bool record = true)
    {
        var auth = http.Request.Headers.Authorization.ToString();
        var authType = http.Request.Headers["stream-auth-type"].ToString();
        var apiKey = http.Request.Query["api_key"].ToString();
        if (record)
        {
            CoordinatorRequests.Enqueue(new CoordinatorRequest(http.Request.Path, auth, authType, apiKey));
        }

        if (apiKey != TestOptions.ApiKey)
        {
            return (null, StreamError(4, "api_key not valid", 401));
        }

        if (!string.Equals(authType, "jwt", StringComparison.Ordinal))
        {
            return (null, StreamError(5, "Stream-Auth-Type header must be jwt", 401));
        }

        var jwt = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..] : auth;
        var result = new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestOptions.ApiSecret)),
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireExpirationTime = false,
            ValidAlgorithms = ["HS256"],
        }).GetAwaiter().GetResult();
        if (!result.IsValid)
        {
            return (null, StreamError(5, "Token signature is invalid", 401));
        }

        var claims = result.Claims.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        if (requireServer && !(claims.TryGetValue("server", out var s) && s is true))
        {
            return (null, StreamError(17, "this endpoint requires a server-side token", 403));
        }

        return (claims, null);
    }

    private static IResult StreamError(int code, string message, int status) =>
        Results.Json(new { code, message, StatusCode = status, duration = "0.00ms", more_info = "https://getstream.io/chat/docs/api_errors_response", details = Array.Empty<int>() },
            statusCode: status);

    public sealed record CoordinatorRequest(string Path, string Authorization, string AuthType, string ApiKey);

    public sealed record JoinRecord(string UserId, string CallCid, JsonNode Body, string Edge)
    {
        /// <summary>When the coordinator accepted the join (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
        public long ReceivedAt { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    private sealed record SfuToken(string UserId, string CallCid, string Edge);

    /// <summary>Polls <paramref name="condition"/> until true; generous timeout for loaded machines.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 15000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
