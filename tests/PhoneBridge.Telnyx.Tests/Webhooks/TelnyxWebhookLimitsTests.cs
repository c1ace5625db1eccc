using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.TestHost;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Telnyx.Tests.Hosting;

namespace PhoneBridge.Telnyx.Tests.Webhooks;

/// <summary>Body limits, malformed bodies and the failed-authentication limit on the Telnyx routes.</summary>
public sealed class TelnyxWebhookLimitsTests
{
    private static byte[] Initiated(TelnyxTestHost host) =>
        TelnyxWebhookBodies.CallInitiated("ev-1", "v3:call-1", "+15551230000", "+15559870000", host.Time.GetUtcNow());

    /// <summary>A valid event padded past <paramref name="size"/> bytes (JSON allows the whitespace).</summary>
    private static byte[] Padded(TelnyxTestHost host, int size)
    {
        var json = Initiated(host);
        return [.. json, .. Enumerable.Repeat((byte)' ', size - json.Length)];
    }

    private static async Task<int> MediaHandshakeAsync(TelnyxTestHost host)
    {
        var client = host.App.GetTestServer().CreateWebSocketClient();
        try
        {
            using var socket = await client.ConnectAsync(new Uri("ws://localhost/telnyx/media/no-such-call/not-a-token"), CancellationToken.None);
            socket.Abort();
            return 101;
        }
        catch (Exception e) when (e is InvalidOperationException or WebSocketException)
        {
            var match = System.Text.RegularExpressions.Regex.Match(e.Message, "status code: (\\d+)");
            Assert.True(match.Success, e.Message);
            return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    [Fact]
    public async Task Signed_body_over_MaxWebhookBytes_is_413_and_not_acted_on()
    {
        await using var host = await TelnyxTestHost.StartAsync(s => s["PhoneBridge:Server:MaxWebhookBytes"] = "4096");

        using var response = await host.PostWebhookAsync(Padded(host, 5000));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task Body_over_the_default_limit_without_a_length_is_413()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        var body = Padded(host, 70 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/events")
        {
            // A stream of unknown length goes out chunked, with no Content-Length to refuse up front.
            Content = new StreamContent(new NonSeekableStream(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        host.Signer.AddHeaders(request, body, host.Time.GetUtcNow());

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task Body_just_under_the_limit_is_accepted()
    {
        await using var host = await TelnyxTestHost.StartAsync(s => s["PhoneBridge:Server:MaxWebhookBytes"] = "4096");

        using var response = await host.PostWebhookAsync(Padded(host, 4096));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, host.Registry.Count);
    }

    [Theory]
    [InlineData("{\"data\":{\"event_type\":")]
    [InlineData("\u0000\u0001not json at all")]
    [InlineData("[1,2,3]")]
    public async Task Malformed_json_with_a_valid_signature_is_400(string body)
    {
        await using var host = await TelnyxTestHost.StartAsync();

        using var response = await host.PostWebhookAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Bad_signatures_and_bad_media_tokens_share_the_limit_and_then_even_a_good_webhook_gets_429()
    {
        await using var host = await TelnyxTestHost.StartAsync(s => s["PhoneBridge:Security:MaxFailedAuthPerMinute"] = "5");
        using var stranger = TelnyxWebhookSigner.CreateRandom();

        for (var i = 0; i < 3; i++)
        {
            using var forged = await host.PostWebhookAsync(Initiated(host), signer: stranger);
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }

        Assert.Equal(404, await MediaHandshakeAsync(host));
        Assert.Equal(404, await MediaHandshakeAsync(host));

        Assert.Equal(429, await MediaHandshakeAsync(host));
        using var blocked = await host.PostWebhookAsync(Initiated(host));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero && delta <= TimeSpan.FromMinutes(1));
        Assert.Equal(0, host.Registry.Count);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
