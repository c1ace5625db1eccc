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
        Client(new TwilioOptions { AccountSid = accountSid, AuthToken = token });

    private TwilioRestClient Client(TwilioOptions options)
    {
        options.ApiBaseUrl = _api.BaseUrl + "/";
        return new(_http, new StaticOptionsMonitor<TwilioOptions>(options), NullLogger<TwilioRestClient>.Instance);
    }

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

    [Fact]
    public async Task Redirect_sends_only_the_new_twiml_to_the_live_call()
    {
        var client = Client();
        var call = await client.CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None);
        var transfer = PhoneBridge.Twilio.Webhooks.Twiml.Dial("+14155550123");

        var redirected = await client.RedirectAsync(call.Sid, transfer, CancellationToken.None);

        Assert.Equal(call.Sid, redirected.Sid);
        var update = _api.Requests.Skip(1).Single();
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Calls/{call.Sid}.json", update.Path);
        Assert.Equal(["Twiml"], update.Form.Keys);
        Assert.Equal("+14155550123", XDocument.Parse(update.Form["Twiml"][0]).Descendants("Number").Single().Value);
    }

    [Fact]
    public async Task Redirect_of_an_ended_call_is_a_20404()
    {
        var error = await Assert.ThrowsAsync<TwilioApiException>(() =>
            Client().RedirectAsync("CA" + new string('0', 32), Twiml, CancellationToken.None));
        Assert.Equal(404, error.HttpStatus);
        Assert.Equal(TwilioRestClient.NotFoundCode, error.Code);
    }

    [Fact]
    public async Task Api_key_authenticates_as_key_sid_and_secret_with_the_account_in_the_url()
    {
        _api.ApiKey = ("SK0123456789abcdef0123456789abcdef", "key-secret");
        try
        {
            var client = Client(new TwilioOptions { AccountSid = AccountSid, ApiKeySid = "SK0123456789abcdef0123456789abcdef", ApiKeySecret = "key-secret" });
            Assert.True(client.IsConfigured);

            var call = await client.CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None);

            Assert.StartsWith("CA", call.Sid, StringComparison.Ordinal);
            var request = Assert.Single(_api.Requests);
            Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Calls.json", request.Path);
            Assert.Equal("Basic " + Convert.ToBase64String("SK0123456789abcdef0123456789abcdef:key-secret"u8), request.Authorization);
        }
        finally
        {
            _api.ApiKey = null;
        }
    }

    [Fact]
    public async Task Api_key_wins_over_the_auth_token_for_rest()
    {
        _api.ApiKey = ("SK0123456789abcdef0123456789abcdef", "key-secret");
        try
        {
            var client = Client(new TwilioOptions
            {
                AccountSid = AccountSid,
                AuthToken = "webhook-only-token",
                ApiKeySid = "SK0123456789abcdef0123456789abcdef",
                ApiKeySecret = "key-secret",
            });
            await client.CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None);
            Assert.Equal("Basic " + Convert.ToBase64String("SK0123456789abcdef0123456789abcdef:key-secret"u8), Assert.Single(_api.Requests).Authorization);
        }
        finally
        {
            _api.ApiKey = null;
        }
    }

    [Fact]
    public async Task Cancellation_reaches_the_request()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Client().CreateCallAsync("+14155550199", "+14155550100", Twiml, null, cancelled.Token));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Unreachable_api_is_an_http_request_exception_as_before()
    {
        var client = new TwilioRestClient(
            _http,
            new StaticOptionsMonitor<TwilioOptions>(new TwilioOptions { AccountSid = AccountSid, AuthToken = AuthToken, ApiBaseUrl = "http://127.0.0.1:9" }),
            NullLogger<TwilioRestClient>.Instance);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.HangUpAsync("CA" + new string('0', 32), CancellationToken.None));
    }

    [Theory]
    [InlineData("https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json", "http://127.0.0.1:5000", "http://127.0.0.1:5000/2010-04-01/Accounts/AC1/Calls.json")]
    [InlineData("https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json", "http://127.0.0.1:5000/", "http://127.0.0.1:5000/2010-04-01/Accounts/AC1/Calls.json")]
    [InlineData("https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json?a=b%20c", "https://proxy.example/twilio/", "https://proxy.example/twilio/2010-04-01/Accounts/AC1/Calls.json?a=b%20c")]
    [InlineData("https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json", "https://api.twilio.com", "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json")]
    public void Sdk_urls_are_rebased_onto_the_configured_api(string sdkUrl, string baseUrl, string expected) =>
        Assert.Equal(expected, TwilioSdkHttpClient.Rebase(new Uri(sdkUrl), new Uri(baseUrl)).AbsoluteUri);
}
