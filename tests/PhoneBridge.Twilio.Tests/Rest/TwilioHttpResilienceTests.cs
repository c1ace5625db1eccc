using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Http;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Tests.Infrastructure;

namespace PhoneBridge.Twilio.Tests.Rest;

/// <summary>The REST client as registered (factory-made HttpClient with the resilience pipeline) against the fake.</summary>
public sealed class TwilioHttpResilienceTests : IClassFixture<FakeTwilioApiFixture>, IDisposable
{
    private const string Twiml = """<?xml version="1.0" encoding="utf-8"?><Response><Connect><Stream url="wss://h/twilio/media/c/t" /></Connect></Response>""";

    private readonly FakeTwilioApi _api;
    private readonly ServiceProvider _services;
    private readonly TwilioRestClient _client;

    public TwilioHttpResilienceTests(FakeTwilioApiFixture fixture)
    {
        _api = fixture.Api;
        _api.Requests.Clear();
        _api.FailNext(0);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IOptionsMonitor<TwilioOptions>>(new StaticOptionsMonitor<TwilioOptions>(new TwilioOptions
        {
            AccountSid = FakeTwilioApiFixture.AccountSid,
            AuthToken = FakeTwilioApiFixture.AuthToken,
            ApiBaseUrl = _api.BaseUrl,
        }));
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddHttpClient<TwilioRestClient>().AddPhoneBridgeResilience(TwilioOptions.HttpSectionName);
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<TwilioRestClient>();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Creating_a_call_is_sent_once_even_when_twilio_fails()
    {
        _api.FailNext(2);

        var error = await Assert.ThrowsAsync<TwilioApiException>(() =>
            _client.CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None));

        Assert.Equal(503, error.HttpStatus);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task Hang_up_is_retried_through_a_brief_outage()
    {
        var call = await _client.CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None);
        _api.FailNext(1);

        Assert.True(await _client.HangUpAsync(call.Sid, CancellationToken.None));

        var hangUps = _api.Requests.Skip(1).ToList();
        Assert.Equal(2, hangUps.Count);
        Assert.All(hangUps, r => Assert.Equal(["completed"], r.Form["Status"]));
    }

    [Fact]
    public async Task Redirect_is_not_retried()
    {
        var call = await _client.CreateCallAsync("+14155550199", "+14155550100", Twiml, null, CancellationToken.None);
        _api.FailNext(1);

        var error = await Assert.ThrowsAsync<TwilioApiException>(() => _client.RedirectAsync(call.Sid, Twiml, CancellationToken.None));

        Assert.Equal(503, error.HttpStatus);
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_even_when_safe()
    {
        Assert.False(await _client.HangUpAsync("CA" + new string('0', 32), CancellationToken.None));
        Assert.Single(_api.Requests);
    }

    [Fact]
    public void Only_reads_and_marked_requests_are_retry_safe()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x");
        using var post = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/x");
        using var marked = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/x");
        marked.MarkIdempotent();

        Assert.True(get.IsIdempotent());
        Assert.False(post.IsIdempotent());
        Assert.True(marked.IsIdempotent());
    }
}
