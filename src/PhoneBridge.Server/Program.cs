using PhoneBridge.Core;
using PhoneBridge.Core.Hosting;
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
builder.Services.AddTelnyx();               // /telnyx/*: webhooks, media socket, Call Control
builder.AddStreamEdgeWhenConfigured();      // Stream Video edge + agent launch when Stream credentials are set
builder.Services.AddServerHosting();        // forwarded headers, WebSockets, health, graceful shutdown

var app = builder.Build();

app.UseForwardedHeaders();
app.UseWebSockets();

app.MapHealthChecks("/health");
app.MapStats();                             // GET /stats for load tests and dashboards
app.MapFullGc();                            // POST /stats/gc (API key): heap after a forced full GC, for soak tests
app.MapTwilio();
app.MapTelnyx();
app.MapStreamEdge();                        // POST /stream/calls/{type}/{id}/hangup for agents (Stream edge only)

app.Run();

/// <summary>Entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
