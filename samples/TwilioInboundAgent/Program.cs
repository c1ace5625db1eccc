using Microsoft.AspNetCore.HttpOverrides;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Stream;
using PhoneBridge.Twilio;

// Callers of a Twilio number talk to a voice agent in a Stream call. Twilio posts to /twilio/voice, we answer
// with TwiML that streams the call to /twilio/media/{call_id}/{token}, and the bridge joins the caller to the
// Stream call where the agent (launched on the agent server at webhook time) is waiting.
var builder = WebApplication.CreateBuilder(args);

// TWILIO_AUTH_TOKEN, NGROK_URL, STREAM_API_KEY, STREAM_API_SECRET work as in the Python examples.
builder.Configuration.AddPhoneBridgeEnvironmentAliases();

builder.AddTwilio();                     // signed webhook, signed tokenized media socket, call registry, bridge
builder.AddStreamEdgeWhenConfigured();   // Stream edge + agent launch when Stream keys are set; local echo otherwise

// ngrok forwards https as http to 127.0.0.1; the Twilio signature covers the https URL Twilio called.
builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
    forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);

var app = builder.Build();

app.UseForwardedHeaders();
app.UseWebSockets();
app.MapTwilio();

app.Run();
