using System.Net;
using System.Xml.Linq;
using PhoneBridge.Twilio.Webhooks;
using PhoneBridge.Twilio.Tests.Infrastructure;

namespace PhoneBridge.Twilio.Tests.Webhooks;

public class TwilioWebhookEndpointTests
{
    private const string CallSid = "CA0123456789abcdef0123456789abcdef";
    private const string From = "+14155550100";
    private const string To = "+14155550199";

    private static Dictionary<string, string> Form() => new()
    {
        ["AccountSid"] = TwilioTestApp.AccountSid,
        ["CallSid"] = CallSid,
        ["From"] = From,
        ["To"] = To,
        ["CallStatus"] = "ringing",
        ["Direction"] = "inbound",
        ["ApiVersion"] = "2010-04-01",
    };

    private static HttpRequestMessage SignedPost(string signedUrl, string path, Dictionary<string, string> form, string token = TwilioTestApp.AuthToken) =>
        SignedTwilioPost.Create(signedUrl, path, form, token);

    [Fact]
    public async Task Signed_webhook_registers_the_call_and_answers_with_a_stream_to_its_media_url()
    {
        await using var app = await TwilioTestApp.StartAsync(new Dictionary<string, string?> { ["PhoneBridge:PublicUrl"] = "https://abc.ngrok.app" });
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedPost("https://abc.ngrok.app/twilio/voice", "/twilio/voice", Form()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType!.MediaType);
        var request = Assert.Single(app.Registry.Requests);
        Assert.Equal("twilio", request.Provider);
        Assert.Equal(CallSid, request.ProviderCallId);
        Assert.Equal(From, request.From);
        Assert.Equal(To, request.To);
        Assert.Equal(8000, request.ExpectedSampleRate);

        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var stream = twiml.Root!.Element("Connect")!.Element("Stream")!;
        var url = stream.Attribute("url")!.Value;
        var callId = stream.Element("Parameter")!.Attribute("value")!.Value;
        Assert.Equal("callId", stream.Element("Parameter")!.Attribute("name")!.Value);
        Assert.StartsWith($"wss://abc.ngrok.app/twilio/media/{callId}/tok_", url, StringComparison.Ordinal);
        Assert.True(app.Registry.TryClaim(callId, url[(url.LastIndexOf('/') + 1)..], out _) == Core.Registry.ClaimResult.Claimed);

        // Neither the token, the media URL nor the numbers reach the logs.
        var logs = app.Logs.AllText();
        Assert.DoesNotContain(url[(url.LastIndexOf('/') + 1)..], logs, StringComparison.Ordinal);
        Assert.DoesNotContain(From, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(To, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_public_url_the_request_url_is_signed_and_the_stream_follows_its_scheme()
    {
        await using var app = await TwilioTestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedPost("http://localhost/twilio/voice?attempt=1", "/twilio/voice?attempt=1", Form()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants("Stream").Single().Attribute("url")!.Value;
        Assert.StartsWith("ws://localhost/twilio/media/", url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_signature_is_403_logged_once_and_registers_nothing()
    {
        await using var app = await TwilioTestApp.StartAsync();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice") { Content = new FormUrlEncodedContent(Form()) };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Registry.Requests);
        var entry = Assert.Single(app.Logs.WithEventId(2100));
        Assert.Contains("Missing", entry.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost/twilio/voice", "wrong-token")] // another account's token
    [InlineData("https://localhost/twilio/voice", TwilioTestApp.AuthToken)] // signed for another URL
    [InlineData("http://localhost/twilio/voice/", TwilioTestApp.AuthToken)] // trailing-slash rewrite
    public async Task Wrong_signature_is_403_logged_once_and_registers_nothing(string signedUrl, string token)
    {
        await using var app = await TwilioTestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedPost(signedUrl, "/twilio/voice", Form(), token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Registry.Requests);
        var entry = Assert.Single(app.Logs.WithEventId(2100));
        Assert.Contains("Invalid", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tampered_form_is_rejected()
    {
        await using var app = await TwilioTestApp.StartAsync();
        using var client = app.CreateClient();
        var request = SignedPost("http://localhost/twilio/voice", "/twilio/voice", Form());
        var tampered = Form();
        tampered["From"] = "+19005550123";
        request.Content = new FormUrlEncodedContent(tampered);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Registry.Requests);
    }

    [Fact]
    public async Task Signed_webhook_without_call_sid_is_400()
    {
        await using var app = await TwilioTestApp.StartAsync();
        using var client = app.CreateClient();
        var form = Form();
        form.Remove("CallSid");

        using var response = await client.SendAsync(SignedPost("http://localhost/twilio/voice", "/twilio/voice", form));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Registry.Requests);
    }

    [Fact]
    public async Task Development_without_auth_token_rejects_every_webhook()
    {
        await using var app = await TwilioTestApp.StartAsync(new Dictionary<string, string?> { ["Twilio:AuthToken"] = "" }, environment: "Development");
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedPost("http://localhost/twilio/voice", "/twilio/voice", Form()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("NotConfigured", Assert.Single(app.Logs.WithEventId(2100)).Message, StringComparison.Ordinal);
    }
}
