using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Simulator.Telnyx;

namespace PhoneBridge.Integration.Tests;

/// <summary>The real server host with Telnyx configured: signed webhook, answer to Call Control, media socket, echo.</summary>
public sealed class TelnyxServerTests
{
    private const string ApiKey = "KEY_integration";

    private static WebApplicationFactory<Program> Server(IReadOnlyDictionary<string, string?> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    [Fact]
    public async Task AnIncomingTelnyxCallIsAnsweredAndEchoed()
    {
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var api = await FakeCallControlApi.StartAsync(ApiKey);
        await using var factory = Server(new Dictionary<string, string?>
        {
            ["Telnyx:ApiKey"] = ApiKey,
            ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
            ["Telnyx:ApiBaseUrl"] = api.BaseUrl.ToString(),
            ["Telnyx:Codec"] = "PCMA",
            ["PhoneBridge:PublicUrl"] = "https://bridge.example.test",
        });
        using var http = factory.CreateClient();

        const string CallControlId = "v3:integration";
        api.AddIncomingCall(CallControlId);
        var body = TelnyxWebhookBodies.CallInitiated("ev-1", CallControlId, "+15551230000", "+15559870000", DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/events")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        signer.AddHeaders(request, body, DateTimeOffset.UtcNow);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var answer = await api.WaitForAsync("answer", CallControlId, TimeSpan.FromSeconds(30));
        var streamUrl = new Uri(answer.String("stream_url")!);
        Assert.Equal("wss", streamUrl.Scheme);
        Assert.Equal("bridge.example.test", streamUrl.Host);
        Assert.Equal("PCMA", answer.String("stream_bidirectional_codec"));

        var client = factory.Server.CreateWebSocketClient();
        using var socket = await client.ConnectAsync(new Uri(factory.Server.BaseAddress, streamUrl.AbsolutePath), CancellationToken.None);
        await SendAsync(socket, """{"event":"connected","version":"1.0.0"}""");
        await SendAsync(socket, $$$"""{"event":"start","sequence_number":"1","start":{"call_control_id":"{{{CallControlId}}}","media_format":{"encoding":"PCMA","sample_rate":8000,"channels":1}},"stream_id":"s-1"}""");
        var frame = new short[160];
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000));
        }

        var alaw = new byte[160];
        G711.ALawEncode(frame, alaw);
        for (var chunk = 1; chunk <= 30; chunk++)
        {
            await SendAsync(socket, $$$"""{"event":"media","sequence_number":"{{{chunk + 1}}}","media":{"track":"inbound","chunk":"{{{chunk}}}","timestamp":"{{{chunk * 20}}}","payload":"{{{Convert.ToBase64String(alaw)}}}"},"stream_id":"s-1"}""");
        }

        // The echo comes back as 20 ms A-law chunks identical to what was sent.
        using var echoed = JsonDocument.Parse(await ReceiveMediaAsync(socket));
        var payload = echoed.RootElement.GetProperty("media").GetProperty("payload").GetBytesFromBase64();
        Assert.Equal(alaw, payload);

        // "stop" ends the stream: the server closes the socket (closing from here too would race that close).
        await SendAsync(socket, """{"event":"stop","sequence_number":"99","stop":{"call_control_id":"v3:integration"},"stream_id":"s-1"}""");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task WithoutTelnyxSettingsItsEndpointsDoNotExist()
    {
        await using var factory = Server(new Dictionary<string, string?>());
        using var http = factory.CreateClient();

        using var response = await http.PostAsync("/telnyx/events", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<WebSocketCloseStatus?> ReceiveCloseAsync(WebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return socket.CloseStatus;
            }
        }
    }

    private static async Task<string> ReceiveMediaAsync(WebSocket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(count), cts.Token);
                count += result.Count;
            }
            while (!result.EndOfMessage);

            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            var text = Encoding.UTF8.GetString(buffer, 0, count);
            if (text.Contains("\"media\"", StringComparison.Ordinal))
            {
                return text;
            }
        }
    }
}
