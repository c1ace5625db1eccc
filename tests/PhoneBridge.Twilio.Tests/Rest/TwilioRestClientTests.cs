using System.Xml.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Tests.Infrastructure;

namespace PhoneBridge.Twilio.Tests.Rest;

public sealed class FakeTwilioApiFixture : IAsyncLifetime
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "rest-auth-token";

    public FakeTwilioApi Api { get; private set; } = null!;

    public async Task InitializeAsync() => Api = await FakeTwilioApi.StartAsync(AccountSid, AuthToken);

    public async Task DisposeAsync() => await Api.DisposeAsync();
}

/// <summary>Tests in one class run one at a time, so they share the fake and start from an empty request log.</summary>
public sealed class TwilioRestClientTests : IClassFixture<FakeTwilioApiFixture>, IDisposable
{
    private const string AccountSid = FakeTwilioApiFixture.AccountSid;
    private const string AuthToken = FakeTwilioApiFixture.AuthToken;
    private const string Twiml = """<?xml version="1.0" encoding="utf-8"?><Response><Connect><Stream url="wss://h/twilio/media/c/t" /></Connect></Response>""";

    private readonly FakeTwilioApi _api;
    private readonly HttpClient _http = new();

    public TwilioRestClientTests(FakeTwilioApiFixture fixture)
    {
        _api = fixture.Api;
        _api.Requests.Clear();
    }

    public void Dispose() => _http.Dispose();

    private TwilioRestClient Client(string token = AuthToken, string? accountSid = AccountSid) =>
        new(_http, new StaticOptionsMonitor<TwilioOptions>(new TwilioOptions { AccountSid = accountSid, AuthToken = token, ApiBaseUrl = _api.BaseUrl + "/" }), NullLogger<TwilioRestClient>.Instance);

    [Fact]
    public async Task Create_call_posts_the_form_twilio_expects()
    {
        var call = await Client().CreateCallAsync("+14155550199", "+14155550100", Twiml, "https://h.example/status", CancellationToken.None);

        Assert.StartsWith("CA", call.Sid, StringComparison.Ordinal);
        Assert.Equal("queued", call.Status);
        var request = Assert.Single(_api.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Calls.json", request.Path);
        Assert.Equal("Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpyZXN0LWF1dGgtdG9rZW4=", request.Authorization);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal(["+14155550199"], request.Form["To"]);
        Assert.Equal(["+14155550100"], request.Form["From"]);
        Assert.Equal([Twiml], request.Form["Twiml"]);
        Assert.Equal(["https://h.example/status"], request.Form["StatusCallback"]);
        Assert.Equal(["POST"], request.Form["StatusCallbackMethod"]);
        Assert.Equal("wss://h/twilio/media/c/t", XDocument.Parse(request.Form["Twiml"][0]).Descendants("Stream").Single().Attribute("url")!.Value);
    }

    [Fact]
    public async Task Create_call_without_status_callback_sends_no_callback_fields()
    {
        await Client().CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None);
        var form = Assert.Single(_api.Requests).Form;
        Assert.Equal(["From", "To", "Twiml"], form.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Twilio_errors_carry_code_message_and_more_info()
    {
        var error = await Assert.ThrowsAsync<TwilioApiException>(() =>
            Client().CreateCallAsync(FakeTwilioApi.InvalidTo, "+14155550100", Twiml, null, CancellationToken.None));

        Assert.Equal(400, error.HttpStatus);
        Assert.Equal(21211, error.Code);
        Assert.StartsWith("Invalid 'To' Phone Number", error.TwilioMessage, StringComparison.Ordinal);
        Assert.Equal("https://www.twilio.com/docs/errors/21211", error.MoreInfo);
    }

    [Fact]
    public async Task Wrong_credentials_are_a_20003()
    {
        var error = await Assert.ThrowsAsync<TwilioApiException>(() =>
            Client(token: "wrong").CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None));
        Assert.Equal(401, error.HttpStatus);
        Assert.Equal(20003, error.Code);
    }

    [Fact]
    public async Task Non_json_failure_keeps_the_http_status()
    {
        var error = await Assert.ThrowsAsync<TwilioApiException>(() =>
            Client().CreateCallAsync(FakeTwilioApi.OutageTo, "+14155550100", Twiml, null, CancellationToken.None));
        Assert.Equal(500, error.HttpStatus);
        Assert.Null(error.Code);
    }

    [Fact]
    public async Task Twiml_over_4000_characters_is_refused_before_sending()
    {
        var twiml = "<Response><Say>" + new string('a', 4000) + "</Say></Response>";
        await Assert.ThrowsAsync<ArgumentException>(() => Client().CreateCallAsync("+14155550199", "+14155550100", twiml, null, CancellationToken.None));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Hang_up_completes_the_call_and_treats_20404_as_already_ended()
    {
        var client = Client();
        var call = await client.CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None);

        Assert.True(await client.HangUpAsync(call.Sid, CancellationToken.None));
        Assert.False(await client.HangUpAsync(call.Sid, CancellationToken.None));

        var hangUp = _api.Requests.Skip(1).First();
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Calls/{call.Sid}.json", hangUp.Path);
        Assert.Equal(["completed"], hangUp.Form["Status"]);
        Assert.Single(hangUp.Form);
    }

    [Theory]
    [InlineData("CA123")]
    [InlineData("../../Accounts/AC1/Calls")]
    [InlineData("CA0123456789abcdef0123456789abcdeg")]
    [InlineData("XX0123456789abcdef0123456789abcdef")]
    public async Task Hang_up_refuses_what_is_not_a_call_sid(string sid)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Client().HangUpAsync(sid, CancellationToken.None));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Without_credentials_the_client_is_not_configured()
    {
        var client = Client(accountSid: null);
        Assert.False(client.IsConfigured);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.CreateCallAsync("+1", "+2", Twiml, null, CancellationToken.None));
    }
}
