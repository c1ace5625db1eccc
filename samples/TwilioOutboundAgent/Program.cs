using Microsoft.AspNetCore.HttpOverrides;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Samples.TwilioOutboundAgent;
using PhoneBridge.Stream;
using PhoneBridge.Twilio;
using PhoneBridge.Twilio.Webhooks;

// Calls a number and puts whoever answers in front of a voice agent. Starts the bridge, places the call through
// Twilio's REST API with inline TwiML pointing at a fresh tokenized media URL, and exits when Twilio reports the
// call over (status callback) — or hangs the call up first if you stop it with Ctrl+C.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddPhoneBridgeEnvironmentAliases();
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--to"] = "Dial:To",
    ["--from"] = "Dial:From",
});

builder.AddTwilio();
builder.AddStreamEdgeWhenConfigured();
builder.Services.AddOptions<DialOptions>()
    .BindConfiguration(DialOptions.SectionName)
    .Validate(DialOptions.IsValid, "Pass --to and --from (E.164 numbers, e.g. +14155550100).")
    .ValidateOnStart();
builder.Services.AddSingleton<PlacedCall>();
builder.Services.AddHostedService<Dialer>();
builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
    forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);

var app = builder.Build();

app.UseForwardedHeaders();
app.UseWebSockets();
app.MapTwilio();
app.MapPost(StatusCallback.Path, StatusCallback.Handle).ValidateTwilioSignature();

app.Run();
