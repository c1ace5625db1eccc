using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Load;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Bridge;

/// <summary>
/// The real server (its <c>Program</c>) on a loopback Kestrel port, with the local echo edge and test
/// credentials.
/// </summary>
public sealed class BridgeServer : WebApplicationFactory<Program>
{
    public const string AuthToken = "integration-auth-token";

    /// <summary>The management key <see cref="StatsAsync"/> sends, unless the test's settings name another.</summary>
    public const string ApiKey = "integration-stats-api-key";

    private readonly TimeProvider? _time;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    private BridgeServer(TimeProvider? time, IDictionary<string, string?>? settings, Action<IServiceCollection>? services)
    {
        _time = time;
        _services = services;
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Twilio:AuthToken"] = AuthToken,
            ["PhoneBridge:PublicUrl"] = string.Empty,
        };
        _settings.TryAdd("PhoneBridge:ApiKey", ApiKey);
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public Uri BaseUrl { get; private set; } = null!;

    public TwilioCallerOptions Caller => new() { Server = BaseUrl, AuthToken = AuthToken };

    public ICallRegistry Registry => Services.GetRequiredService<ICallRegistry>();

    public long ActiveCalls => Services.GetRequiredService<BridgeCounters>().ActiveCalls;

    /// <param name="services">Replaces the server's services (a recording event publisher, say).</param>
    public static Task<BridgeServer> StartAsync(
        TimeProvider? time = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var server = new BridgeServer(time, settings, services);
        server.StartServer();
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return Task.FromResult(server);
    }

    public HttpClient NewHttpClient() => new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task<ServerStats?> StatsAsync()
    {
        using var http = NewHttpClient();
        return await ServerStats.TryGetAsync(http, BaseUrl, _settings["PhoneBridge:ApiKey"], CancellationToken.None);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning));
        if (_time is not null)
        {
            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(_time)));
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
