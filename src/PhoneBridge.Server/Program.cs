using PhoneBridge.Core;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Recording;
using PhoneBridge.Core.Security;
using PhoneBridge.Redis;
using PhoneBridge.Server.Hosting;
using PhoneBridge.Server.Stats;
using PhoneBridge.Stream;
using PhoneBridge.Telnyx;
using PhoneBridge.Twilio;

var builder = WebApplication.CreateBuilder(args);

// TWILIO_AUTH_TOKEN, NGROK_URL, STREAM_API_KEY, … as aliases of their section keys.
builder.Configuration.AddPhoneBridgeEnvironmentAliases();
builder.PreferInlineSocketCompletions();    // socket continuations on the epoll threads (before any socket is used)

builder.Services.AddPhoneBridgeCore();      // call registry, bridge, counters, local echo edge
builder.AddTwilio();                        // /twilio/*: webhook, media socket, outbound calls
builder.AddTelnyx();                        // /telnyx/*: webhooks, media socket, Call Control
builder.AddStreamEdgeWhenConfigured();      // Stream Video edge + agent launch when Stream credentials are set
builder.AddRedisWhenConfigured();           // ConnectionStrings:Redis / REDIS_URL: registry, ownership and heartbeats shared by instances
builder.Services.AddCalls();                // provider-neutral call control behind /calls
builder.Services.AddRecording();            // PhoneBridge:Recording: a stereo WAV and a JSON sidecar per recorded call
builder.Services.AddServerHosting();        // forwarded headers, WebSockets, health, graceful shutdown, 4xx for malformed requests
builder.Services.AddPhoneBridgeOpenApi();   // OpenAPI description of every endpoint
builder.Services.AddStartupSummary();       // once started: edge, providers, webhook URLs to paste, a call to try

var app = builder.Build();

app.UseExceptionHandler();                  // malformed bodies and forms: 4xx and one log line, not 500
app.UseForwardedHeaders();
app.UseFailedAuthLimit();                   // 429 for addresses past PhoneBridge:Security:MaxFailedAuthPerMinute
app.UseWebSockets();

app.MapHealth();                            // GET /health
app.MapStats();                             // GET /stats for load tests and dashboards
app.MapFullGc();                            // POST /stats/gc (API key): heap after a forced full GC, for soak tests
app.MapTwilio();
app.MapTelnyx();
app.MapStreamEdge();                        // POST /stream/calls/{type}/{id}/hangup for agents (Stream edge only)
app.MapCalls();                             // /calls: list, dial, hang up, transfer, DTMF, hold (API key)
app.MapPhoneBridgeOpenApi();                // GET /openapi/v1.json; Scalar UI at /scalar in Development

app.Run();

/// <summary>Entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
