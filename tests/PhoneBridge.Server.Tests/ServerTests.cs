using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PhoneBridge.Core.Registry;
using PhoneBridge.Testing.Net;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Server.Tests;

public class ServerTests
{
    private static readonly TwilioRequestValidator Signer = new(ServerFactory.AuthToken);

    private static readonly Dictionary<string, string> Form = new()
    {
        ["CallSid"] = TwilioMediaMessages.CallSid,
        ["From"] = "+14155550100",
        ["To"] = "+14155550199",
    };

    private static Action<HttpContext> SignedVoice(string signedUrl, string? remoteIp = null, Action<HttpRequest>? headers = null) => context =>
    {
        var body = new FormUrlEncodedContent(Form).ReadAsStringAsync().GetAwaiter().GetResult();
        context.Request.Method = "POST";
        context.Request.Path = "/twilio/voice";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.Headers[TwilioRequestValidator.SignatureHeader] =
            Signer.ComputeSignature(signedUrl, Form.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
        if (remoteIp is not null)
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(remoteIp);
        }

        headers?.Invoke(context.Request);
    };

    private static async Task<string> StreamUrlAsync(HttpContext response)
    {
        Assert.Equal(200, response.Response.StatusCode);
        using var reader = new StreamReader(response.Response.Body);
        return XDocument.Parse(await reader.ReadToEndAsync()).Descendants("Stream").Single().Attribute("url")!.Value;
    }

    [Fact]
    public async Task Forwarded_headers_from_a_local_proxy_give_the_public_url()
    {
        await using var factory = new ServerFactory();

        var context = await factory.Server.SendAsync(SignedVoice(
            "https://abc.ngrok.app/twilio/voice",
            remoteIp: "127.0.0.1",
            headers: r =>
            {
                r.Headers["X-Forwarded-Proto"] = "https";
                r.Headers["X-Forwarded-Host"] = "abc.ngrok.app";
                r.Headers["X-Forwarded-For"] = "54.172.60.1";
            }));

        Assert.StartsWith("wss://abc.ngrok.app/twilio/media/", await StreamUrlAsync(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_address_are_ignored()
    {
        await using var factory = new ServerFactory();

        var context = await factory.Server.SendAsync(SignedVoice(
            "https://abc.ngrok.app/twilio/voice",
            remoteIp: "203.0.113.9",
            headers: r =>
            {
                r.Headers["X-Forwarded-Proto"] = "https";
                r.Headers["X-Forwarded-Host"] = "abc.ngrok.app";
            }));

        Assert.Equal(403, context.Response.StatusCode);
    }

    [Fact]
    public async Task Ngrok_alias_style_public_url_is_used_for_signatures_and_media()
    {
        await using var factory = new ServerFactory(settings: new Dictionary<string, string?> { ["PhoneBridge:PublicUrl"] = "https://abc.ngrok.app" });

        var context = await factory.Server.SendAsync(SignedVoice("https://abc.ngrok.app/twilio/voice", remoteIp: "127.0.0.1"));

        Assert.StartsWith("wss://abc.ngrok.app/twilio/media/", await StreamUrlAsync(context), StringComparison.Ordinal);
    }

    [Fact]
    public void Production_without_a_twilio_token_does_not_start()
    {
        using var factory = new ServerFactory("Production", new Dictionary<string, string?> { ["Twilio:AuthToken"] = "" });
        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("Twilio:AuthToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_twilio_serves_nothing_and_needs_no_token()
    {
        await using var factory = new ServerFactory("Production", new Dictionary<string, string?> { ["Twilio:AuthToken"] = "", ["Twilio:Enabled"] = "false" });
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/twilio/voice", new FormUrlEncodedContent(Form));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("00:00:45", "00:00:45")]
    [InlineData("00:00:00", "-00:00:00.001")]
    [InlineData("-00:00:00.001", "-00:00:00.001")]
    public void Keep_alive_timeout_reaches_the_websocket_middleware(string configured, string expected)
    {
        using var factory = new ServerFactory(settings: new Dictionary<string, string?> { ["PhoneBridge:Server:KeepAliveTimeout"] = configured });

        var webSockets = factory.Services.GetRequiredService<IOptions<WebSocketOptions>>().Value;

        Assert.Equal(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), webSockets.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), webSockets.KeepAliveInterval);
    }

    [Fact]
    public void Default_keep_alive_timeout_is_30_seconds_and_start_timeout_10()
    {
        using var factory = new ServerFactory();

        Assert.Equal(TimeSpan.FromSeconds(30), factory.Services.GetRequiredService<IOptions<WebSocketOptions>>().Value.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), factory.Services.GetRequiredService<IOptions<CallRegistryOptions>>().Value.StartTimeout);
    }

    [Theory]
    [InlineData("PhoneBridge:Server:KeepAliveTimeout", "-00:00:01")]
    [InlineData("PhoneBridge:Server:KeepAliveTimeout", "01:00:00")]
    [InlineData("PhoneBridge:Registry:StartTimeout", "00:00:00")]
    [InlineData("PhoneBridge:Registry:StartTimeout", "-00:00:01")]
    [InlineData("PhoneBridge:Registry:StartTimeout", "01:00:00")]
    public void Out_of_range_socket_deadlines_stop_the_start(string key, string value)
    {
        using var factory = new ServerFactory(settings: new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Media_socket_that_stops_answering_pings_is_aborted_and_its_call_released()
    {
        // Real Kestrel on loopback: the peer is a raw TCP socket that completes the upgrade and never reads again.
        var logs = new ListLoggerProvider();
        var factory = new ServerFactory(
            settings: new Dictionary<string, string?>
            {
                ["PhoneBridge:Server:WebSocketKeepAlive"] = "00:00:00.200",
                ["PhoneBridge:Server:KeepAliveTimeout"] = "00:00:00.500",
                ["PhoneBridge:Registry:StartTimeout"] = "00:05:00",
                ["PhoneBridge:ApiKey"] = StatsApiKey,
            },
            logs: logs);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            var (http, url) = await StartAndAnswerAsync(factory);
            using var _ = http;
            var callId = new Uri(url).Segments[^2].TrimEnd('/');

            using var peer = await SilentWebSocketPeer.UpgradeAsync(
                new Uri(url),
                new Dictionary<string, string> { [TwilioRequestValidator.SignatureHeader] = Signer.ComputeSignature(url) },
                CancellationToken.None);
            var registry = factory.Services.GetRequiredService<ICallRegistry>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (registry.Count > 0 || await StatAsync(http, "activeCalls") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the call was not released");
                await Task.Delay(50);
            }

            Assert.Equal(1, await StatAsync(http, "callsTotal"));

            var warning = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("PhoneBridge", StringComparison.Ordinal));
            Assert.Equal(1241, warning.EventId.Id);
            Assert.Contains(callId, warning.Message, StringComparison.Ordinal);
            Assert.Contains("keep-alive", warning.Message, StringComparison.Ordinal);
            Assert.Null(warning.Exception);
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }

    /// <summary>
    /// Starts <paramref name="factory"/> on real Kestrel, posts a signed voice webhook and returns a client for the
    /// server with the media URL its TwiML names.
    /// </summary>
    private static async Task<(HttpClient Http, string MediaUrl)> StartAndAnswerAsync(ServerFactory factory)
    {
        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var voice = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice") { Content = new FormUrlEncodedContent(Form) };
        voice.Headers.Add(
            TwilioRequestValidator.SignatureHeader,
            Signer.ComputeSignature(baseUrl + "/twilio/voice", Form.ToDictionary(p => p.Key, p => new StringValues(p.Value))));
        using var answer = await http.SendAsync(voice);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var url = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Descendants("Stream").Single().Attribute("url")!.Value;
        return (http, url);
    }

    private const string StatsApiKey = "server-tests-stats-key";

    private static async Task<long> StatAsync(HttpClient http, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stats");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", StatsApiKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var stats = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return stats.RootElement.GetProperty(name).GetInt64();
    }

    [Fact]
    public async Task Shutdown_hangs_up_active_calls()
    {
        // Real Kestrel on loopback: shutdown semantics (drain, then stop) are Kestrel's, not the TestServer's.
        var factory = new ServerFactory();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            var (http, url) = await StartAndAnswerAsync(factory);
            using var _ = http;

            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader(TwilioRequestValidator.SignatureHeader, Signer.ComputeSignature(url));
            await socket.ConnectAsync(new Uri(url), CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes(TwilioMediaMessages.Start), WebSocketMessageType.Text, true, CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes(TwilioMediaMessages.Media(new byte[160])), WebSocketMessageType.Text, true, CancellationToken.None);

            var stopping = factory.DisposeAsync().AsTask();

            var buffer = new byte[64 * 1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
            }
            while (result.MessageType != WebSocketMessageType.Close);

            Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }
}
