using Microsoft.AspNetCore.HttpOverrides;
using PhoneBridge.Core;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Samples.TelnyxAgent;
using PhoneBridge.Stream;
using PhoneBridge.Telnyx;

// A Telnyx number that talks to a voice agent in a Stream call. Telnyx posts Call Control events to
// /telnyx/events (Ed25519-signed); an incoming call is answered with streaming to /telnyx/media/{call_id}/{token}
// and the bridge joins the caller to the Stream call. With --to and --from it also dials out once on start.
var builder = WebApplication.CreateBuilder(args);

// TELNYX_API_KEY, TELNYX_PUBLIC_KEY, TELNYX_CONNECTION_ID, NGROK_URL, STREAM_API_KEY, STREAM_API_SECRET.
builder.Configuration.AddPhoneBridgeEnvironmentAliases();
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--to"] = "Dial:To",
    ["--from"] = "Dial:From",
});

builder.Services.AddPhoneBridgeCore();   // call registry and bridge
builder.Services.AddTelnyx();            // webhook verification, Call Control commands, media socket
builder.AddStreamEdgeWhenConfigured();   // Stream edge + agent launch when Stream keys are set; local echo otherwise
builder.Services.AddOptions<DialOptions>()
    .BindConfiguration(DialOptions.SectionName)
    .Validate(DialOptions.IsValid, "Dial:To and Dial:From (--to, --from) go together, as E.164 numbers.")
    .ValidateOnStart();
builder.Services.AddHostedService<OptionalDialer>();
builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
    forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);

var app = builder.Build();

app.UseForwardedHeaders();
app.UseWebSockets();
app.MapTelnyx();

app.Run();
