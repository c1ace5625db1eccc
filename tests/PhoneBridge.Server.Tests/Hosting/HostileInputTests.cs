using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Server.Tests.Hosting;

/// <summary>
/// Malformed and unauthenticated input against the real server (Program.cs, Production) on a TestServer: 4xx and
/// one log line, never 500; repeated failures from one address end in 429 without touching other addresses.
/// </summary>
public sealed class HostileInputTests
{
    private const string ApiKey = "management-key-123";
    private static readonly TwilioRequestValidator Signer = new(ServerFactory.AuthToken);

    private static readonly Dictionary<string, string> Voice = new()
    {
        ["CallSid"] = TwilioMediaMessages.CallSid,
        ["From"] = "+14155550100",
        ["To"] = "+14155550199",
    };

    private static ServerFactory Start() => new("Production", new Dictionary<string, string?> { ["PhoneBridge:ApiKey"] = ApiKey });

    private static Action<HttpContext> Post(string remoteIp, string contentType, byte[] body, string? signature = "bad-signature", string path = "/twilio/voice") => context =>
    {
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Request.ContentType = contentType;
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        if (signature is not null)
        {
            context.Request.Headers[TwilioRequestValidator.SignatureHeader] = signature;
        }

        context.Connection.RemoteIpAddress = IPAddress.Parse(remoteIp);
    };

    private static Action<HttpContext> SignedVoice(string remoteIp)
    {
        var body = Encoding.UTF8.GetBytes(new FormUrlEncodedContent(Voice).ReadAsStringAsync().GetAwaiter().GetResult());
        var signature = Signer.ComputeSignature("http://localhost/twilio/voice", Voice.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
        return Post(remoteIp, "application/x-www-form-urlencoded", body, signature);
    }

    private static Action<HttpContext> BadApiKey(string remoteIp) => context =>
    {
        Post(remoteIp, "application/json", "{\"to\":\"+14155550199\",\"from\":\"+14155550100\"}"u8.ToArray(), signature: null, path: "/twilio/calls")(context);
        context.Request.Headers.Authorization = "Bearer not-the-key";
    };

    private static async Task<int> MediaHandshakeAsync(ServerFactory factory, string remoteIp, string callId)
    {
        var url = new Uri($"ws://localhost/twilio/media/{callId}/tok_not-a-real-token");
        var client = factory.Server.CreateWebSocketClient();
        client.ConfigureRequest = request =>
        {
            request.HttpContext.Connection.RemoteIpAddress = IPAddress.Parse(remoteIp);
            request.Headers[TwilioRequestValidator.SignatureHeader] = Signer.ComputeSignature(url.OriginalString);
        };
        try
        {
            using var socket = await client.ConnectAsync(url, CancellationToken.None);
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

    /// <summary>
    /// Warnings and errors, less routing's note that the TestServer cannot take a body size limit (Kestrel can; the
    /// out-of-process tests cover it).
    /// </summary>
    private static List<LogEntry> Warnings(ServerFactory factory) =>
        factory.Logs.Entries.Where(e => e.Level >= LogLevel.Warning && e.EventId.Name != "RequestSizeFeatureNotFound").ToList();

    public static TheoryData<string, string, string> MalformedForms() => new()
    {
        { "5000 fields", "application/x-www-form-urlencoded", string.Join('&', Enumerable.Range(0, 5000).Select(i => $"k{i}=v")) },
        { "5000-character key", "application/x-www-form-urlencoded", new string('k', 5000) + "=v&CallSid=CA1" },
        // Over the webhook limits but within the framework's defaults (1024 fields, 2048-character keys).
        { "300 fields", "application/x-www-form-urlencoded", string.Join('&', Enumerable.Range(0, 300).Select(i => $"k{i}=v")) },
        { "300-character key", "application/x-www-form-urlencoded", new string('k', 300) + "=v&CallSid=CA1" },
        { "garbage multipart", "multipart/form-data; boundary=xyz", "garbage\r\n--xyz\r\nnot a header line at all\r\n\r\n\u0000\u0001--" },
        { "multipart without boundary", "multipart/form-data", "--xyz\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(MalformedForms))]
    public async Task Malformed_form_is_400_with_one_log_line_and_no_stack_trace(string name, string contentType, string body)
    {
        await using var factory = Start();

        var context = await factory.Server.SendAsync(Post("192.0.2.10", contentType, Encoding.UTF8.GetBytes(body)));

        Assert.True(context.Response.StatusCode == 400, $"{name}: {context.Response.StatusCode}");
        var line = Assert.Single(Warnings(factory));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Null(line.Exception);
        Assert.Contains("MalformedBody", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Declared_body_over_the_limit_is_413_before_anything_reads_it()
    {
        await using var factory = Start();
        var body = new UnreadableStream();

        var context = await factory.Server.SendAsync(c =>
        {
            Post("192.0.2.11", "application/x-www-form-urlencoded", [])(c);
            c.Request.ContentLength = 24L * 1024 * 1024;
            c.Request.Body = body;
        });

        Assert.Equal(413, context.Response.StatusCode);
        Assert.False(body.WasRead);
        var line = Assert.Single(Warnings(factory));
        Assert.Contains("MaxWebhookBytes", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_body_over_the_limit_without_a_length_is_413()
    {
        await using var factory = Start();

        var context = await factory.Server.SendAsync(c =>
        {
            Post("192.0.2.12", "application/json", new byte[200 * 1024])(c);
            c.Request.ContentLength = null;
        });

        Assert.Equal(413, context.Response.StatusCode);
        Assert.Contains("BodyTooLarge", Assert.Single(Warnings(factory)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hundred_bad_signatures_end_in_429_with_few_log_lines_and_other_addresses_are_unaffected()
    {
        await using var factory = Start();
        var body = Encoding.UTF8.GetBytes("CallSid=CA1&From=%2B14155550100");

        var statuses = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            var context = await factory.Server.SendAsync(Post("203.0.113.66", "application/x-www-form-urlencoded", body));
            statuses.Add(context.Response.StatusCode);
            if (context.Response.StatusCode == 429)
            {
                Assert.True(int.TryParse(context.Response.Headers.RetryAfter, out var seconds) && seconds is >= 1 and <= 60, context.Response.Headers.RetryAfter);
            }
        }

        Assert.Equal(Enumerable.Repeat(403, 60).Concat(Enumerable.Repeat(429, 40)), statuses);
        Assert.InRange(Warnings(factory).Count, 1, 3);
        Assert.Single(factory.Logs.WithEventId(2100));

        // A good webhook from the blocked address is refused before it is read, so no call is registered ...
        var blocked = await factory.Server.SendAsync(SignedVoice("203.0.113.66"));
        Assert.Equal(429, blocked.Response.StatusCode);
        Assert.Empty(factory.Logs.WithEventId(2110));

        // ... while the provider's address goes through.
        var provider = await factory.Server.SendAsync(SignedVoice("198.51.100.5"));
        Assert.Equal(200, provider.Response.StatusCode);
        Assert.Single(factory.Logs.WithEventId(2110));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_limit_is_per_forwarded_client()
    {
        await using var factory = Start();
        var body = Encoding.UTF8.GetBytes("CallSid=CA1");
        Action<HttpContext> ViaProxy(Action<HttpContext> request, string client) => context =>
        {
            request(context);
            context.Request.Headers["X-Forwarded-For"] = client;
        };

        for (var i = 0; i < 60; i++)
        {
            var context = await factory.Server.SendAsync(ViaProxy(Post("127.0.0.1", "application/x-www-form-urlencoded", body), "203.0.113.70"));
            Assert.Equal(403, context.Response.StatusCode);
        }

        Assert.Equal(429, (await factory.Server.SendAsync(ViaProxy(Post("127.0.0.1", "application/x-www-form-urlencoded", body), "203.0.113.70"))).Response.StatusCode);
        Assert.Equal(200, (await factory.Server.SendAsync(ViaProxy(SignedVoice("127.0.0.1"), "198.51.100.7"))).Response.StatusCode);
        Assert.Contains("203.0.113.70", Assert.Single(factory.Logs.WithEventId(2100)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_media_tokens_bad_api_keys_and_bad_signatures_share_one_limit()
    {
        await using var factory = Start();
        const string attacker = "203.0.113.99";
        var badForm = Encoding.UTF8.GetBytes("CallSid=CA1");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(404, await MediaHandshakeAsync(factory, attacker, $"no-such-call-{i}"));
            Assert.Equal(401, (await factory.Server.SendAsync(BadApiKey(attacker))).Response.StatusCode);
            Assert.Equal(403, (await factory.Server.SendAsync(Post(attacker, "application/x-www-form-urlencoded", badForm))).Response.StatusCode);
        }

        Assert.Equal(429, await MediaHandshakeAsync(factory, attacker, "no-such-call-x"));
        Assert.Equal(429, (await factory.Server.SendAsync(BadApiKey(attacker))).Response.StatusCode);
        Assert.Equal(429, (await factory.Server.SendAsync(Post(attacker, "application/x-www-form-urlencoded", badForm))).Response.StatusCode);

        // One line for the address's first rejection; the media token never appears.
        Assert.Single(Warnings(factory));
        Assert.DoesNotContain("tok_not-a-real-token", factory.Logs.AllText(), StringComparison.Ordinal);

        // Another address still gets its own failures and its own 401.
        Assert.Equal(401, (await factory.Server.SendAsync(BadApiKey("198.51.100.6"))).Response.StatusCode);
    }

    /// <summary>A request body that records whether anything tried to read it.</summary>
    private sealed class UnreadableStream : System.IO.Stream
    {
        public bool WasRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            WasRead = true;
            throw new IOException("the body must not be read");
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WasRead = true;
            throw new IOException("the body must not be read");
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
