using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Twilio;

namespace PhoneBridge.Integration.Tests.Bridge;

/// <summary>
/// The server's Twilio bridge (registry, signature checks, media endpoint, bridge, local echo edge) on a
/// real loopback Kestrel port, with test credentials.
/// </summary>
public sealed class BridgeServer : IAsyncDisposable
{
    public const string AuthToken = "integration-auth-token";
    public const string ApiKey = "integration-api-key";

    private readonly WebApplication _app;

    private BridgeServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    public TwilioCallerOptions Caller => new() { Server = BaseUrl, AuthToken = AuthToken };

    public ICallRegistry Registry => Services.GetRequiredService<ICallRegistry>();

    public long ActiveCalls => Services.GetRequiredService<BridgeCounters>().ActiveCalls;

    public static async Task<BridgeServer> StartAsync(TimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var configuration = new Dictionary<string, string?>
        {
            ["Twilio:AuthToken"] = AuthToken,
            ["PhoneBridge:ApiKey"] = ApiKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        if (time is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(time));
        }

        builder.Services.AddTwilio();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapTwilio();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BridgeServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public HttpClient NewHttpClient() => new() { Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
