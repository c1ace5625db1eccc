using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Testing.Stream;

/// <summary>
/// A Vision Agents agent server (<c>Runner.serve</c>): <c>POST /calls/{call_id}/sessions</c> with only
/// <c>call_type</c> → 201, 429 at the session limit; <c>DELETE .../sessions/{id}</c> → 202, 404 when unknown.
/// </summary>
internal sealed class FakeAgentServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeAgentServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentDictionary<string, (string CallId, string CallType)> Sessions { get; } = new();

    public ConcurrentQueue<string> Deleted { get; } = new();

    public int MaxSessions { get; set; } = 10;

    /// <summary>Runs before a session is granted (call id, call type), e.g. to put the agent into the fake call.</summary>
    public Func<string, string, Task>? SessionStarting { get; set; }

    public static async Task<FakeAgentServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeAgentServer(app);
        app.MapPost("/calls/{callId}/sessions", async (HttpContext http, string callId) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body).ConfigureAwait(false);
            if (body?["call_type"]?.GetValue<string>() is not { Length: > 0 } callType || body.AsObject().Count != 1)
            {
                return Results.Json(new { detail = "call_type is required and is the only field" }, statusCode: 422);
            }

            if (fake.Sessions.Count >= fake.MaxSessions)
            {
                return Results.Json(new { detail = "Reached maximum number of concurrent sessions" }, statusCode: 429);
            }

            if (fake.SessionStarting is { } starting)
            {
                await starting(callId, callType).ConfigureAwait(false);
            }

            var id = Guid.NewGuid().ToString();
            fake.Sessions[id] = (callId, callType);
            return Results.Json(new { session_id = id, call_id = callId, session_started_at = DateTimeOffset.UtcNow }, statusCode: 201);
        });
        app.MapDelete("/calls/{callId}/sessions/{sessionId}", (string callId, string sessionId) =>
        {
            if (!fake.Sessions.TryRemove(sessionId, out var s) || s.CallId != callId)
            {
                return Results.Json(new { detail = "Session not found" }, statusCode: 404);
            }

            fake.Deleted.Enqueue(sessionId);
            return Results.StatusCode(202);
        });
        await app.StartAsync().ConfigureAwait(false);
        fake.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
