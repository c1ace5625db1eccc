using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Telnyx.Rest;

namespace PhoneBridge.Telnyx.Tests.Rest;

/// <summary>The Call Control client as <c>AddTelnyx</c> builds it, resilience handler included, against a recording fake.</summary>
public sealed class TelnyxCallControlResilienceTests
{
    private static readonly TelnyxStreamSettings Stream = new(new Uri("wss://bridge.example.test/telnyx/media/c1/t0k"), TelnyxCodec.PCMU);

    private static (ServiceProvider Services, TelnyxCallControlClient Client, RecordingHandler Api) Create(
        string attemptTimeout = "00:00:30", string retryDelay = "00:00:00.010", int maxRetries = 2)
    {
        var api = new RecordingHandler();
        using var signer = TelnyxWebhookSigner.CreateRandom();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telnyx:ApiKey"] = "KEY_secret",
            ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
            ["Telnyx:ApiBaseUrl"] = "https://api.telnyx.test/v2",
            ["Telnyx:Http:AttemptTimeout"] = attemptTimeout,
            ["Telnyx:Http:TotalTimeout"] = "00:01:00",
            ["Telnyx:Http:RetryDelay"] = retryDelay,
            ["Telnyx:Http:MaxRetryAttempts"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddTelnyx();
        services.AddHttpClient<TelnyxCallControlClient>().ConfigurePrimaryHttpMessageHandler(() => api);
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<TelnyxCallControlClient>(), api);
    }

    [Fact]
    public async Task ServerErrorsAreRetriedWithTheSameCommandId()
    {
        var (services, client, api) = Create();
        await using var owner = services;
        api.Respond(HttpStatusCode.ServiceUnavailable, "").Respond(HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        await client.AnswerAsync("v3:call", Stream, "answer-1", null, CancellationToken.None);

        Assert.Equal(3, api.Requests.Count);
        Assert.All(api.Requests, r => Assert.Contains("\"command_id\":\"answer-1\"", r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PersistentServerErrorSurfacesAfterTheBudget()
    {
        var (services, client, api) = Create();
        await using var owner = services;
        for (var i = 0; i < 3; i++)
        {
            api.Respond(HttpStatusCode.InternalServerError, """{"errors":[{"code":"10007","title":"Unexpected error"}]}""");
        }

        var e = await Assert.ThrowsAsync<TelnyxApiException>(() => client.HangUpAsync("v3:call", "hangup-1", CancellationToken.None));

        Assert.Equal(3, api.Requests.Count);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Equal(3, e.Attempts);
        Assert.Equal("Telnyx hangup failed with HTTP 500 after 3 tries: 10007 Unexpected error", e.Message);
    }

    [Fact]
    public async Task ClientErrorsAreNotRetried()
    {
        var (services, client, api) = Create();
        await using var owner = services;
        api.Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"10015","title":"Invalid value"}]}""");

        var e = await Assert.ThrowsAsync<TelnyxApiException>(() => client.AnswerAsync("v3:call", Stream, "answer-1", null, CancellationToken.None));

        Assert.Single(api.Requests);
        Assert.Equal(1, e.Attempts);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.StatusCode);
    }

    [Fact]
    public async Task RateLimitWaitsForRetryAfter()
    {
        var (services, client, api) = Create();
        await using var owner = services;
        api.Respond(HttpStatusCode.TooManyRequests, "", retryAfter: TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        await client.AnswerAsync("v3:call", Stream, "answer-1", null, CancellationToken.None);

        Assert.Equal(2, api.Requests.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {clock.Elapsed.TotalMilliseconds} ms, before Retry-After");
    }

    [Fact]
    public async Task StalledAttemptIsAbandonedAndRetried()
    {
        var (services, client, api) = Create(attemptTimeout: "00:00:02");
        await using var owner = services;
        api.Stall();

        await client.HangUpAsync("v3:call", "hangup-1", CancellationToken.None);

        Assert.Equal(2, api.Requests.Count);
    }

    [Fact]
    public async Task TimeoutWithoutRetriesIsATypedError()
    {
        var (services, client, api) = Create(attemptTimeout: "00:00:00.300", maxRetries: 0);
        await using var owner = services;
        api.Stall();

        var e = await Assert.ThrowsAsync<TelnyxApiException>(() => client.HangUpAsync("v3:call", "hangup-1", CancellationToken.None));

        Assert.Single(api.Requests);
        Assert.Equal("Telnyx hangup timed out.", e.Message);
    }
}
