using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Security;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Twilio.Tests.Infrastructure;

/// <summary>A minimal host with the Twilio endpoints on a TestServer.</summary>
public sealed class TwilioTestApp : IAsyncDisposable
{
    public const string AuthToken = "test-auth-token";
    public const string AccountSid = "AC00000000000000000000000000000001";

    private TwilioTestApp(WebApplication app, RecordingCallRegistry? registry, ListLoggerProvider logs)
    {
        App = app;
        _registry = registry;
        Logs = logs;
    }

    public WebApplication App { get; }

    private readonly RecordingCallRegistry? _registry;

    /// <summary>The recording registry; only when started without the real one.</summary>
    public RecordingCallRegistry Registry => _registry ?? throw new InvalidOperationException("Started with the real registry.");

    public ListLoggerProvider Logs { get; }

    public TestServer Server => App.GetTestServer();

    public HttpClient CreateClient() => Server.CreateClient();

    public static async Task<TwilioTestApp> StartAsync(
        IDictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null,
        string environment = "Production",
        bool realRegistry = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:AuthToken"] = AuthToken,
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new ListLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        var registry = realRegistry ? null : new RecordingCallRegistry();
        if (registry is not null)
        {
            builder.Services.AddSingleton<ICallRegistry>(registry);
        }

        builder.Services.AddTwilio();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseFailedAuthLimit();
        app.UseWebSockets();
        app.MapTwilio();
        await app.StartAsync();
        return new TwilioTestApp(app, registry, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
