using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Security;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Telnyx.Rest;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Tests.Rest;

namespace PhoneBridge.Telnyx.Tests.Hosting;

/// <summary>A server with only the Telnyx provider, on a test server, with the Call Control API recorded.</summary>
internal sealed class TelnyxTestHost : IAsyncDisposable
{
    public const string BridgeApiKey = "bridge-api-key";
    public const string TelnyxApiKey = "KEY_telnyx_test";
    public const string PublicUrl = "https://bridge.example.test";

    private TelnyxTestHost(WebApplication app, RecordingHandler api, FakeTimeProvider time, TelnyxWebhookSigner signer)
    {
        App = app;
        Api = api;
        Time = time;
        Signer = signer;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public RecordingHandler Api { get; }

    public FakeTimeProvider Time { get; }

    public TelnyxWebhookSigner Signer { get; }

    public ICallRegistry Registry => App.Services.GetRequiredService<ICallRegistry>();

    internal TelnyxCallTracker Tracker => App.Services.GetRequiredService<TelnyxCallTracker>();

    /// <param name="services">Registrations after the host's own, which they override (e.g. the real clock for retries).</param>
    public static async Task<TelnyxTestHost> StartAsync(
        Action<Dictionary<string, string?>>? configure = null,
        DateTimeOffset? now = null,
        TelnyxWebhookSigner? signer = null,
        Action<IServiceCollection>? services = null)
    {
        signer ??= TelnyxWebhookSigner.CreateRandom();
        var time = new FakeTimeProvider(now ?? DateTimeOffset.UtcNow);
        var api = new RecordingHandler();
        var settings = new Dictionary<string, string?>
        {
            ["Telnyx:ApiKey"] = TelnyxApiKey,
            ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
            ["Telnyx:ConnectionId"] = "connection-1",
            ["Telnyx:ApiBaseUrl"] = "https://api.telnyx.test/v2",
            ["PhoneBridge:ApiKey"] = BridgeApiKey,
            ["PhoneBridge:PublicUrl"] = PublicUrl,
        };
        configure?.Invoke(settings);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddPhoneBridgeCore();
        builder.Services.AddTelnyx();
        builder.Services.AddHttpClient<TelnyxCallControlClient>().ConfigurePrimaryHttpMessageHandler(() => api);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseFailedAuthLimit();
        app.UseWebSockets();
        app.MapTelnyx();
        await app.StartAsync();
        return new TelnyxTestHost(app, api, time, signer);
    }

    /// <summary>Posts a webhook signed now (or at <paramref name="signedAt"/>) by <see cref="Signer"/>.</summary>
    public Task<HttpResponseMessage> PostWebhookAsync(byte[] body, DateTimeOffset? signedAt = null, TelnyxWebhookSigner? signer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/events")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        (signer ?? Signer).AddHeaders(request, body, signedAt ?? Time.GetUtcNow());
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Signer.Dispose();
    }
}
