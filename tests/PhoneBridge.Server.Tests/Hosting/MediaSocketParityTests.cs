using System.Globalization;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Registry;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Server.Tests.Hosting;

/// <summary>
/// Both providers' media sockets, on the real server, answer the same status for the same kind of bad URL: a prober
/// learns nothing about which calls exist, and an operator reads one table (README, "Media socket answers") for both.
/// Twilio's requests carry a valid <c>X-Twilio-Signature</c>, so only the token decides, as on Telnyx.
/// </summary>
public class MediaSocketParityTests
{
    private static readonly TwilioRequestValidator Signer = new(ServerFactory.AuthToken);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Telnyx:ApiKey"] = "telnyx-test-key",
        ["Telnyx:PublicKey"] = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",   // RFC 8032 test vector 1
        ["Telnyx:ConnectionId"] = "telnyx-test-connection",
        ["Telnyx:ApiBaseUrl"] = "http://127.0.0.1:9/",                          // never reached: no call here starts
        ["PhoneBridge:Security:MaxFailedAuthPerMinute"] = "1000",
    };

    /// <summary>What both providers must answer, case by case (101: the socket was accepted).</summary>
    private static readonly Dictionary<string, int> Expected = new()
    {
        ["valid token"] = 101,
        ["not a WebSocket upgrade"] = 400,
        ["unknown call"] = 404,
        ["malformed call id"] = 404,
        ["wrong token"] = 404,
        ["expired token"] = 404,
        ["reused token"] = 404,
    };

    [Fact]
    public async Task Twilio_and_Telnyx_media_sockets_answer_the_same_status_for_each_bad_url()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var factory = new ClockedServerFactory(clock);
        var registry = factory.Services.GetRequiredService<ICallRegistry>();
        var open = new List<WebSocket>();
        try
        {
            // Registered first, so one clock step expires both before anything else is registered.
            var expiredTwilio = registry.Register(new CallRegistrationRequest("twilio"));
            var expiredTelnyx = registry.Register(new CallRegistrationRequest("telnyx"));
            clock.Advance(TimeSpan.FromMinutes(10));

            var twilio = await AnswersAsync(factory, registry, "twilio", expiredTwilio, open);
            var telnyx = await AnswersAsync(factory, registry, "telnyx", expiredTelnyx, open);

            Assert.Equal(twilio, telnyx);
            Assert.Equal(Expected, twilio);
        }
        finally
        {
            foreach (var socket in open)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    private static async Task<Dictionary<string, int>> AnswersAsync(
        ServerFactory factory, ICallRegistry registry, string provider, CallRegistration expired, List<WebSocket> open)
    {
        var answers = new Dictionary<string, int>();
        var reused = registry.Register(new CallRegistrationRequest(provider));
        answers["valid token"] = await StatusAsync(factory, MediaUrl(provider, reused.CallId, reused.Token), open);
        answers["reused token"] = await StatusAsync(factory, MediaUrl(provider, reused.CallId, reused.Token), open);

        var untouched = registry.Register(new CallRegistrationRequest(provider));
        answers["not a WebSocket upgrade"] = await PlainGetStatusAsync(factory, MediaUrl(provider, untouched.CallId, untouched.Token));
        answers["unknown call"] = await StatusAsync(factory, MediaUrl(provider, CallIds.NewCallId(), CallIds.NewToken()), open);
        answers["malformed call id"] = await StatusAsync(factory, MediaUrl(provider, new string('x', CallIds.MaxCallIdLength + 1), untouched.Token), open);
        answers["wrong token"] = await StatusAsync(factory, MediaUrl(provider, untouched.CallId, CallIds.NewToken()), open);
        answers["expired token"] = await StatusAsync(factory, MediaUrl(provider, expired.CallId, expired.Token), open);
        return answers;
    }

    private static Uri MediaUrl(string provider, string callId, string token) =>
        new($"ws://localhost/{provider}/media/{callId}/{token}");

    private static async Task<int> StatusAsync(ServerFactory factory, Uri url, List<WebSocket> open)
    {
        var client = factory.Server.CreateWebSocketClient();
        var signature = Signer.ComputeSignature(url.OriginalString);
        client.ConfigureRequest = request => request.Headers[TwilioRequestValidator.SignatureHeader] = signature;
        try
        {
            open.Add(await client.ConnectAsync(url, CancellationToken.None));
            return 101;
        }
        catch (InvalidOperationException e) when (Regex.Match(e.Message, "status code: (\\d+)") is { Success: true } match)
        {
            return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }
    }

    private static async Task<int> PlainGetStatusAsync(ServerFactory factory, Uri url)
    {
        var http = new Uri("http" + url.OriginalString[2..]);
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, http);
        request.Headers.Add(TwilioRequestValidator.SignatureHeader, Signer.ComputeSignature(http.OriginalString));
        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }

    private sealed class ClockedServerFactory(TimeProvider clock) : ServerFactory(settings: Settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
