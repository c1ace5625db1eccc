using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Simulator;

/// <summary>
/// A scripted bridge on loopback for testing the simulator itself: answers the voice webhook with
/// TwiML (checking the signature), accepts the media socket and hands it to the test's script.
/// </summary>
internal sealed class ScriptedTwilioPeer : IAsyncDisposable
{
    public const string AuthToken = "peer-token";

    private readonly WebApplication _app;

    private ScriptedTwilioPeer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<string> Webhooks { get; } = new();

    public static async Task<ScriptedTwilioPeer> StartAsync(Func<WebSocket, HttpContext, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var peer = new ScriptedTwilioPeer(app);
        app.UseWebSockets();
        app.MapPost("/twilio/voice", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var url = peer.BaseUrl + "twilio/voice";
            var expected = TwilioSignature.Compute(AuthToken, url, form.Select(f => KeyValuePair.Create(f.Key, f.Value.ToString())));
            if (http.Request.Headers[TwilioSignature.HeaderName] != expected)
            {
                return Results.StatusCode(403);
            }

            peer.Webhooks.Enqueue(form["CallSid"].ToString());
            var ws = $"ws://{peer.BaseUrl.Authority}/twilio/media/call1/secret";
            return Results.Content(
                $"""<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="{ws}"><Parameter name="callId" value="call1"/></Stream></Connect></Response>""",
                "application/xml");
        });
        app.Map("/twilio/media/{callId}/{token}", async (HttpContext http, string token) =>
        {
            var url = $"ws://{peer.BaseUrl.Authority}/twilio/media/call1/{token}";
            if (token != "secret" || http.Request.Headers[TwilioSignature.HeaderName] != TwilioSignature.Compute(AuthToken, url))
            {
                http.Response.StatusCode = 403;
                return;
            }

            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await script(socket, http);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        peer.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return peer;
    }

    public TwilioCallerOptions Caller => new() { Server = BaseUrl, AuthToken = AuthToken };

    public static async Task<JsonDocument?> ReceiveJsonAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            length += result.Count;
        }
        while (!result.EndOfMessage);

        return result.MessageType == WebSocketMessageType.Close ? null : JsonDocument.Parse(buffer.AsMemory(0, length));
    }

    public static Task SendAsync(WebSocket socket, string json, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
