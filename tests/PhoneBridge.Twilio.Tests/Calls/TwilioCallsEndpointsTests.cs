using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using PhoneBridge.Twilio.Tests.Infrastructure;
using PhoneBridge.Twilio.Tests.Rest;

namespace PhoneBridge.Twilio.Tests.Calls;

public sealed class TwilioCallsEndpointsTests(FakeTwilioApiFixture fixture) : IClassFixture<FakeTwilioApiFixture>
{
    private const string ApiKey = "management-key-123";

    private Task<TwilioTestApp> StartAsync(bool configured = true, string? apiKey = ApiKey) =>
        TwilioTestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = configured ? FakeTwilioApiFixture.AccountSid : null,
            ["Twilio:AuthToken"] = FakeTwilioApiFixture.AuthToken,
            ["Twilio:ApiBaseUrl"] = fixture.Api.BaseUrl,
            ["PhoneBridge:PublicUrl"] = "https://bridge.example",
            ["PhoneBridge:ApiKey"] = apiKey,
        });

    private static HttpRequestMessage Create(object body, string? key = ApiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/calls") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    [Fact]
    public async Task Places_a_call_with_inline_twiml_pointing_at_a_fresh_media_url()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        fixture.Api.Requests.Clear();

        using var response = await client.SendAsync(Create(new { to = "+14155550199", from = "+14155550100", statusCallback = "https://bridge.example/status" }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var callId = body.RootElement.GetProperty("callId").GetString()!;
        var callSid = body.RootElement.GetProperty("callSid").GetString()!;
        Assert.Equal($"/twilio/calls/{callSid}", response.Headers.Location!.OriginalString);

        var registered = Assert.Single(app.Registry.Requests);
        Assert.Equal("twilio", registered.Provider);
        Assert.Equal("+14155550199", registered.To);
        Assert.Equal("+14155550100", registered.From);

        var sent = Assert.Single(fixture.Api.Requests);
        var stream = XDocument.Parse(sent.Form["Twiml"][0]).Descendants("Stream").Single();
        var url = stream.Attribute("url")!.Value;
        Assert.StartsWith($"wss://bridge.example/twilio/media/{callId}/", url, StringComparison.Ordinal);
        Assert.Equal(callId, stream.Element("Parameter")!.Attribute("value")!.Value);
        Assert.Equal(Core.Registry.ClaimResult.Claimed, app.Registry.TryClaim(callId, url[(url.LastIndexOf('/') + 1)..], out _));
        Assert.Equal(["https://bridge.example/status"], sent.Form["StatusCallback"]);
        Assert.False(sent.Form.ContainsKey("StatusCallbackEvent"));
        Assert.True(fixture.Api.Calls.ContainsKey(callSid));
    }

    [Fact]
    public async Task Without_a_status_callback_of_its_own_the_call_reports_every_status_event_to_the_bridge()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        fixture.Api.Requests.Clear();

        using var response = await client.SendAsync(Create(new { to = "+14155550199", from = "+14155550100" }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sent = Assert.Single(fixture.Api.Requests);
        Assert.Equal(["https://bridge.example/twilio/status"], sent.Form["StatusCallback"]);
        Assert.Equal(["POST"], sent.Form["StatusCallbackMethod"]);
        Assert.Equal(["initiated", "ringing", "answered", "completed"], sent.Form["StatusCallbackEvent"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("management-key-12")]
    public async Task Missing_or_wrong_api_key_is_401_and_nothing_happens(string? key)
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        fixture.Api.Requests.Clear();

        using var response = await client.SendAsync(Create(new { to = "+14155550199", from = "+14155550100" }, key));
        using var hangUp = new HttpRequestMessage(HttpMethod.Delete, "/twilio/calls/CA0123456789abcdef0123456789abcdef");
        if (key is not null)
        {
            hangUp.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var hangUpResponse = await client.SendAsync(hangUp);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, hangUpResponse.StatusCode);
        Assert.Empty(app.Registry.Requests);
        Assert.Empty(fixture.Api.Requests);
        Assert.DoesNotContain(ApiKey, app.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_configured_api_key_the_endpoints_are_closed()
    {
        await using var app = await StartAsync(apiKey: null);
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Create(new { to = "+14155550199", from = "+14155550100" }, key: ""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Without_twilio_credentials_the_endpoints_are_503()
    {
        await using var app = await StartAsync(configured: false);
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Create(new { to = "+14155550199", from = "+14155550100" }));
        using var hangUp = new HttpRequestMessage(HttpMethod.Delete, "/twilio/calls/CA0123456789abcdef0123456789abcdef");
        hangUp.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var hangUpResponse = await client.SendAsync(hangUp);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, hangUpResponse.StatusCode);
        Assert.Empty(app.Registry.Requests);
    }

    [Fact]
    public async Task Twilio_refusal_is_a_problem_with_twilios_code_and_the_registration_is_released()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Create(new { to = FakeTwilioApi.InvalidTo, from = "+14155550100" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(21211, problem.RootElement.GetProperty("twilioCode").GetInt32());
        Assert.Equal("https://www.twilio.com/docs/errors/21211", problem.RootElement.GetProperty("type").GetString());
        var registered = Assert.Single(app.Registry.Requests);
        Assert.Equal(0, app.Registry.Count);
        Assert.Single(app.Registry.Released);
    }

    [Fact]
    public async Task Twilio_outage_is_502()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Create(new { to = FakeTwilioApi.OutageTo, from = "+14155550100" }));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(0, app.Registry.Count);
    }

    [Theory]
    [InlineData(null, "+14155550100", "to")]
    [InlineData("+14155550199", " ", "from")]
    [InlineData("+14155550199", "+14155550100", "statusCallback")]
    public async Task Invalid_body_is_a_validation_problem(string? to, string? from, string field)
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Create(new { to, from, statusCallback = field == "statusCallback" ? "not a url" : null }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(app.Registry.Requests);
    }

    [Fact]
    public async Task Hang_up_ends_the_call_and_an_ended_call_is_no_error()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var created = await client.SendAsync(Create(new { to = "+14155550199", from = "+14155550100" }));
        var callSid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callSid").GetString()!;

        for (var i = 0; i < 2; i++)
        {
            using var hangUp = new HttpRequestMessage(HttpMethod.Delete, $"/twilio/calls/{callSid}");
            hangUp.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            using var response = await client.SendAsync(hangUp);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.False(fixture.Api.Calls.ContainsKey(callSid));
    }

    [Fact]
    public async Task Hang_up_of_something_that_is_not_a_call_sid_is_400()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var hangUp = new HttpRequestMessage(HttpMethod.Delete, "/twilio/calls/CA1");
        hangUp.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        using var response = await client.SendAsync(hangUp);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static HttpRequestMessage Transfer(string callSid, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/twilio/calls/{callSid}/transfer") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return request;
    }

    [Fact]
    public async Task Transfer_redirects_the_live_call_to_dial_twiml()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var created = await client.SendAsync(Create(new { to = "+14155550199", from = "+14155550100" }));
        var callSid = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callSid").GetString()!;
        fixture.Api.Requests.Clear();

        using var response = await client.SendAsync(Transfer(callSid, new { to = "+14155550123", callerId = "+14155550100" }));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var sent = Assert.Single(fixture.Api.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilioApiFixture.AccountSid}/Calls/{callSid}.json", sent.Path);
        var dial = XDocument.Parse(sent.Form["Twiml"][0]).Root!.Element("Dial")!;
        Assert.Equal("+14155550100", dial.Attribute("callerId")!.Value);
        Assert.Equal("+14155550123", dial.Element("Number")!.Value);
        Assert.DoesNotContain("+14155550123", app.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transfer_of_an_unknown_call_is_404()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Transfer("CA" + new string('0', 32), new { to = "+14155550123" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(20404, problem.RootElement.GetProperty("twilioCode").GetInt32());
    }

    [Theory]
    [InlineData("CA1", "+14155550123", "callSid")]
    [InlineData("CA0123456789abcdef0123456789abcdef", null, "to")]
    [InlineData("CA0123456789abcdef0123456789abcdef", "sip:", "to")]
    public async Task Transfer_with_bad_input_is_a_validation_problem_and_reaches_no_one(string callSid, string? to, string field)
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        fixture.Api.Requests.Clear();

        using var response = await client.SendAsync(Transfer(callSid, new { to }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(fixture.Api.Requests);
    }
}
