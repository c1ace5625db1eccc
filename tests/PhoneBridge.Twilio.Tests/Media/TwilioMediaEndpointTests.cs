using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Twilio.Webhooks;
using PhoneBridge.Twilio.Tests.Infrastructure;

namespace PhoneBridge.Twilio.Tests.Media;

/// <summary>Webhook → TwiML → signed, tokenized media socket → bridge (local echo edge) on a TestServer.</summary>
public class TwilioMediaEndpointTests
{
    private static readonly TwilioRequestValidator Signer = new(TwilioTestApp.AuthToken);

    private static readonly Dictionary<string, string?> ShortStartTimeout = new() { ["PhoneBridge:Registry:StartTimeout"] = "00:00:00.300" };

    private static async Task<Uri> AnswerCallAsync(TwilioTestApp app)
    {
        var form = new Dictionary<string, string> { ["CallSid"] = MediaSocketPair.CallSid, ["From"] = "+14155550100", ["To"] = "+14155550199" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(
            TwilioRequestValidator.SignatureHeader,
            Signer.ComputeSignature("http://localhost/twilio/voice", form.ToDictionary(p => p.Key, p => new StringValues(p.Value))));
        using var client = app.CreateClient();
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants("Stream").Single().Attribute("url")!.Value;
        return new Uri(url);
    }

    private static Task<WebSocket> ConnectAsync(TwilioTestApp app, Uri url, string? signature = "sign")
    {
        var client = app.Server.CreateWebSocketClient();
        if (signature is not null)
        {
            var value = signature == "sign" ? Signer.ComputeSignature(url.OriginalString) : signature;
            client.ConfigureRequest = request => request.Headers[TwilioRequestValidator.SignatureHeader] = value;
        }

        return client.ConnectAsync(url, CancellationToken.None);
    }

    private static Task SendAsync(WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string?> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(buffer, 0, count);
            }
        }
    }

    private static async Task<int> HandshakeStatusAsync(Task<WebSocket> connect)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => connect);
        var match = System.Text.RegularExpressions.Regex.Match(error.Message, "status code: (\\d+)");
        Assert.True(match.Success, error.Message);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Caller_audio_is_bridged_and_the_echo_comes_back_as_twilio_media()
    {
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true);
        var url = await AnswerCallAsync(app);
        Assert.Equal("ws", url.Scheme);

        using var socket = await ConnectAsync(app, url);
        await SendAsync(socket, MediaSocketPair.Connected);
        await SendAsync(socket, MediaSocketPair.Start);
        var frame = Enumerable.Range(0, 160).Select(i => (byte)(i + 20)).ToArray();
        var echoed = false;
        for (var i = 1; i <= 200 && !echoed; i++)
        {
            await SendAsync(socket, MediaSocketPair.Media(frame, i));
            if (i < 5)
            {
                continue;
            }

            using var message = JsonDocument.Parse((await ReceiveAsync(socket))!);
            Assert.Equal("media", message.RootElement.GetProperty("event").GetString());
            Assert.Equal(MediaSocketPair.StreamSid, message.RootElement.GetProperty("streamSid").GetString());
            var payload = Convert.FromBase64String(message.RootElement.GetProperty("media").GetProperty("payload").GetString()!);
            var pcm = new short[payload.Length];
            G711.MuLawDecode(payload, pcm);
            var expected = new short[frame.Length];
            G711.MuLawDecode(frame, expected);
            echoed = pcm.AsSpan().SequenceEqual(expected);
        }

        Assert.True(echoed);
        await SendAsync(socket, """{"event":"stop","sequenceNumber":"9","stop":{"accountSid":"AC1","callSid":"CA1"},"streamSid":"MZ1"}""");
        while (await ReceiveAsync(socket) is not null)
        {
        }

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        var registry = app.App.Services.GetRequiredService<ICallRegistry>();
        for (var i = 0; i < 300 && registry.Count > 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(0, registry.Count);
        var token = url.Segments[^1];
        Assert.DoesNotContain(token, app.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Socket_that_never_sends_start_is_closed_and_its_call_released()
    {
        await using var app = await TwilioTestApp.StartAsync(ShortStartTimeout, realRegistry: true);
        var url = await AnswerCallAsync(app);
        var (callId, token) = (url.Segments[^2].TrimEnd('/'), url.Segments[^1]);
        var registry = app.App.Services.GetRequiredService<ICallRegistry>();
        var counters = app.App.Services.GetRequiredService<BridgeCounters>();

        using var socket = await ConnectAsync(app, url);
        var connected = Stopwatch.GetTimestamp();
        await SendAsync(socket, MediaSocketPair.Connected);

        Assert.Null(await ReceiveAsync(socket));
        Assert.True(Stopwatch.GetElapsedTime(connected) >= TimeSpan.FromMilliseconds(250), "closed before the deadline");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await WaitForAsync(() => registry.Count == 0 && counters.ActiveCalls == 0);

        // TestServer has no request-body-size feature, so routing warns once that the webhook's body limit could not
        // be applied there (Kestrel has it); that line is the test host's, not the call's.
        var warning = Assert.Single(app.Logs.Entries, e => e.Level >= LogLevel.Warning && e.EventId.Name != "RequestSizeFeatureNotFound");
        Assert.Equal(1240, warning.EventId.Id);
        Assert.Contains(callId, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("4155550100", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, app.Logs.AllText(), StringComparison.Ordinal);
        Assert.Equal(404, await HandshakeStatusAsync(ConnectAsync(app, url)));
    }

    [Fact]
    public async Task Socket_that_sends_start_in_time_is_not_touched_by_the_start_deadline()
    {
        // A fake clock, so the deadline passes only once start has certainly been handled, however slow the machine.
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var app = await TwilioTestApp.StartAsync(ShortStartTimeout, services: s => s.AddSingleton<TimeProvider>(clock), realRegistry: true);
        var url = await AnswerCallAsync(app);
        using var socket = await ConnectAsync(app, url);
        await SendAsync(socket, MediaSocketPair.Connected);
        await SendAsync(socket, MediaSocketPair.Start);
        await EchoAsync(socket);

        clock.Advance(TimeSpan.FromMinutes(1));

        await EchoAsync(socket);
        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal(1, app.App.Services.GetRequiredService<ICallRegistry>().Count);
        Assert.DoesNotContain(app.Logs.Entries, e => e.EventId.Id is 1240 or 1241);
        socket.Abort();
    }

    /// <summary>Sends caller audio until the echo edge's copy comes back.</summary>
    private static async Task EchoAsync(WebSocket socket)
    {
        for (var i = 1; i <= 200; i++)
        {
            await SendAsync(socket, MediaSocketPair.Media(new byte[160], i));
            if (i >= 5)
            {
                Assert.NotNull(await ReceiveAsync(socket));
                return;
            }
        }
    }

    [Fact]
    public async Task Reused_token_is_refused_at_the_handshake()
    {
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true);
        var url = await AnswerCallAsync(app);
        using var first = await ConnectAsync(app, url);

        Assert.Equal(404, await HandshakeStatusAsync(ConnectAsync(app, url)));
        var refused = Assert.Single(app.Logs.WithEventId(1421));
        Assert.Contains("AlreadyClaimed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, Rejections(app, WebhookRejection.Reused));
        first.Abort();
    }

    [Fact]
    public async Task Wrong_token_and_unknown_call_are_both_404()
    {
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true);
        var url = await AnswerCallAsync(app);
        var segments = url.OriginalString.Split('/');
        var wrongToken = new Uri(string.Join('/', segments[..^1]) + "/not-the-token");
        var unknownCall = new Uri(string.Join('/', segments[..^2]) + "/no-such-call/" + segments[^1]);

        Assert.Equal(404, await HandshakeStatusAsync(ConnectAsync(app, wrongToken)));
        Assert.Equal(404, await HandshakeStatusAsync(ConnectAsync(app, unknownCall)));

        // Only an address's first rejection is logged; the rest go to the limiter's per-minute summary.
        Assert.Contains("BadToken", Assert.Single(app.Logs.WithEventId(1421)).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(segments[^1], app.Logs.AllText(), StringComparison.Ordinal);
        Assert.Equal(2, Rejections(app, WebhookRejection.Token));
    }

    [Fact]
    public async Task Bad_or_missing_signature_is_403_and_does_not_burn_the_token()
    {
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true);
        var url = await AnswerCallAsync(app);

        Assert.Equal(403, await HandshakeStatusAsync(ConnectAsync(app, url, signature: null)));
        Assert.Equal(403, await HandshakeStatusAsync(ConnectAsync(app, url, signature: Signer.ComputeSignature("http" + url.OriginalString[2..]))));
        Assert.Contains("Missing", Assert.Single(app.Logs.WithEventId(2100)).Message, StringComparison.Ordinal);
        Assert.Empty(app.Logs.WithEventId(1421));
        Assert.Equal(2, Rejections(app, WebhookRejection.Signature));
        Assert.Equal(0, Rejections(app, WebhookRejection.Token));

        using var socket = await ConnectAsync(app, url);
        Assert.Equal(WebSocketState.Open, socket.State);
        socket.Abort();
    }

    [Fact]
    public async Task Refused_media_signatures_raise_one_error_naming_31920_and_the_setting()
    {
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true);
        var url = await AnswerCallAsync(app);

        Assert.Equal(403, await HandshakeStatusAsync(ConnectAsync(app, url, signature: "bm90IGEgc2lnbmF0dXJl")));
        Assert.Equal(403, await HandshakeStatusAsync(ConnectAsync(app, url, signature: null)));
        Assert.Equal(403, await HandshakeStatusAsync(ConnectAsync(app, url, signature: "YW5vdGhlciBiYWQgb25l")));

        // One Error for the process, however many upgrades fail; of the refusals' Warnings only the address's first is
        // written, the rest are counted by the failed-authentication limiter and summarised once a minute.
        var alarm = Assert.Single(app.Logs.WithEventId(2101));
        Assert.Equal(LogLevel.Error, alarm.Level);
        Assert.Contains("31920", alarm.Message, StringComparison.Ordinal);
        Assert.Contains("Stream - WebSocket - Handshake Error", alarm.Message, StringComparison.Ordinal);
        Assert.Contains("Twilio:ValidateMediaSignature", alarm.Message, StringComparison.Ordinal);
        Assert.Single(app.Logs.WithEventId(2100));
    }

    [Fact]
    public async Task Webhook_signature_failures_do_not_raise_the_media_alarm()
    {
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["CallSid"] = MediaSocketPair.CallSid }),
        };
        request.Headers.Add(TwilioRequestValidator.SignatureHeader, "bm90IGEgc2lnbmF0dXJl");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Logs.WithEventId(2101));
        Assert.Equal(1, Rejections(app, WebhookRejection.Signature));
    }

    [Fact]
    public async Task With_media_signature_validation_off_the_token_alone_admits_the_socket()
    {
        await using var app = await TwilioTestApp.StartAsync(
            new Dictionary<string, string?> { ["Twilio:ValidateMediaSignature"] = "false" }, realRegistry: true);
        var url = await AnswerCallAsync(app);
        var wrongToken = new Uri(url.OriginalString[..(url.OriginalString.LastIndexOf('/') + 1)] + "not-the-token");

        // The token still guards the socket: a wrong one is refused, unsigned or not.
        Assert.Equal(404, await HandshakeStatusAsync(ConnectAsync(app, wrongToken, signature: null)));
        using var socket = await ConnectAsync(app, url, signature: "bm90IGEgc2lnbmF0dXJl");

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Empty(app.Logs.WithEventId(2100));
        Assert.Empty(app.Logs.WithEventId(2101));
        socket.Abort();
    }

    [Fact]
    public async Task Signature_over_the_trailing_slash_variant_is_accepted()
    {
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true);
        var url = await AnswerCallAsync(app);

        using var socket = await ConnectAsync(app, url, signature: Signer.ComputeSignature(url.OriginalString + "/"));

        Assert.Equal(WebSocketState.Open, socket.State);
        socket.Abort();
    }

    [Fact]
    public async Task Expired_registration_is_refused()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true, services: s => s.AddSingleton<TimeProvider>(clock));
        var url = await AnswerCallAsync(app);

        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(404, await HandshakeStatusAsync(ConnectAsync(app, url)));
        Assert.Equal(1, Rejections(app, WebhookRejection.Expired));
    }

    private static long Rejections(TwilioTestApp app, WebhookRejection reason) =>
        app.App.Services.GetRequiredService<WebhookMetrics>().Count(reason);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Plain_request_to_the_media_url_is_400()
    {
        await using var app = await TwilioTestApp.StartAsync(realRegistry: true);
        var url = await AnswerCallAsync(app);
        var http = "http" + url.OriginalString[2..];
        using var request = new HttpRequestMessage(HttpMethod.Get, http);
        request.Headers.Add(TwilioRequestValidator.SignatureHeader, Signer.ComputeSignature(http));
        using var client = app.CreateClient();

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
