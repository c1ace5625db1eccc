using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Registry;
using PhoneBridge.Redis.Cluster;
using PhoneBridge.Redis.Registry;
using PhoneBridge.Testing.Redis;
using PhoneBridge.Twilio.Webhooks;
using StackExchange.Redis;

namespace PhoneBridge.Server.Tests.Redis;

/// <summary>The whole server with <c>ConnectionStrings:Redis</c> (or <c>REDIS_URL</c>): what it registers and how it answers while Redis is down.</summary>
public sealed class RedisServerTests
{
    private const string PublicUrl = "https://bridge.example.com";

    private static readonly TwilioRequestValidator Signer = new(ServerFactory.AuthToken);

    private static readonly Dictionary<string, string> Form = new()
    {
        ["CallSid"] = "CA00000000000000000000000000000001",
        ["From"] = "+14155550100",
        ["To"] = "+14155550199",
    };

    [Fact]
    public async Task With_Redis_configured_the_registry_and_ownership_are_shared_and_a_webhook_registers_in_Redis()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var factory = new ServerFactory(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.Url,
            ["PhoneBridge:PublicUrl"] = PublicUrl,
            ["PhoneBridge:Redis:KeyPrefix"] = "server-test:",
        });

        var context = await factory.Server.SendAsync(SignedVoice);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.IsType<RedisCallRegistry>(factory.Services.GetRequiredService<ICallRegistry>());
        Assert.IsType<RedisCallOwnership>(factory.Services.GetRequiredService<ICallOwnership>());
        var multiplexer = factory.Services.GetRequiredService<IConnectionMultiplexer>();
        var server = multiplexer.GetServers().Single();
        Assert.Single(server.Keys(pattern: "server-test:call:*"));
        var checks = factory.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Contains(checks, r => r.Name == "redis" && r.Tags.Contains("ready"));
    }

    [Fact]
    public async Task With_Redis_down_the_server_starts_and_a_voice_webhook_gets_503_with_one_log_line()
    {
        await using var factory = new ServerFactory(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{ClosedPort()},connectTimeout=500",
            ["PhoneBridge:PublicUrl"] = PublicUrl,
        });

        var context = await factory.Server.SendAsync(SignedVoice);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        var registry = factory.Logs.Entries.Where(e => e.Category == typeof(RedisCallRegistry).FullName && e.Level >= LogLevel.Warning).ToList();
        Assert.Equal("Unavailable", Assert.Single(registry).EventId.Name);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Message.Contains("+14155550100", StringComparison.Ordinal));
    }

    private static void SignedVoice(HttpContext context)
    {
        var body = new FormUrlEncodedContent(Form).ReadAsStringAsync().GetAwaiter().GetResult();
        context.Request.Method = "POST";
        context.Request.Path = "/twilio/voice";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.Headers[TwilioRequestValidator.SignatureHeader] =
            Signer.ComputeSignature(PublicUrl + "/twilio/voice", Form.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
