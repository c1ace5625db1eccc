using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Telnyx.Calls;

namespace PhoneBridge.Telnyx.Tests.EndToEnd;

/// <summary>
/// The bridge with the Telnyx provider and the local echo edge on 127.0.0.1, wired to a fake Call Control API,
/// plus a simulated Telnyx phone: everything a real call does, over real sockets on loopback.
/// </summary>
internal sealed class TelnyxBridgeHost : IAsyncDisposable
{
    public const string TelnyxApiKey = "KEY_e2e";
    public const string BridgeApiKey = "bridge-e2e-key";

    private TelnyxBridgeHost(WebApplication app, Uri server, FakeCallControlApi api, TelnyxWebhookSigner signer, HttpClient http)
    {
        App = app;
        Server = server;
        Api = api;
        Signer = signer;
        Http = http;
        Phone = new TelnyxPhone(http, server, signer, api, TimeProvider.System);
    }

    public WebApplication App { get; }

    public Uri Server { get; }

    public FakeCallControlApi Api { get; }

    public TelnyxWebhookSigner Signer { get; }

    public HttpClient Http { get; }

    public TelnyxPhone Phone { get; }

    public ICallRegistry Registry => App.Services.GetRequiredService<ICallRegistry>();

    internal TelnyxCallTracker Tracker => App.Services.GetRequiredService<TelnyxCallTracker>();

    /// <param name="commandApiPort">When set, the server uses a Call Control API on this port run by someone else.</param>
    /// <param name="settings">Extra configuration keys (they win over the host's own).</param>
    /// <param name="logs">Receives the server's logs; none are kept otherwise.</param>
    /// <param name="webSockets">Configures the server's WebSocket middleware (keep-alive).</param>
    /// <param name="services">Replaces services after the bridge's own (a recording event publisher, say).</param>
    public static async Task<TelnyxBridgeHost> StartAsync(
        string codec,
        TelnyxWebhookSigner? signer = null,
        string apiKey = TelnyxApiKey,
        int? commandApiPort = null,
        IDictionary<string, string?>? settings = null,
        ILoggerProvider? logs = null,
        Action<WebSocketOptions>? webSockets = null,
        Action<IServiceCollection>? services = null)
    {
        signer ??= TelnyxWebhookSigner.CreateRandom();
        var api = await FakeCallControlApi.StartAsync(apiKey);
        var apiBaseUrl = commandApiPort is { } port ? $"http://127.0.0.1:{port}/v2" : api.BaseUrl.ToString();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        }

        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telnyx:ApiKey"] = apiKey,
            ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
            ["Telnyx:ConnectionId"] = "e2e-connection",
            ["Telnyx:Codec"] = codec,
            ["Telnyx:ApiBaseUrl"] = apiBaseUrl,
            ["PhoneBridge:ApiKey"] = BridgeApiKey,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddPhoneBridgeCore();
        builder.Services.AddTelnyx();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        var webSocketOptions = new WebSocketOptions();
        webSockets?.Invoke(webSocketOptions);
        app.UseWebSockets(webSocketOptions);
        app.MapTelnyx();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var server = new Uri(address);
        return new TelnyxBridgeHost(app, server, api, signer, new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Api.DisposeAsync();
        Signer.Dispose();
    }
}
