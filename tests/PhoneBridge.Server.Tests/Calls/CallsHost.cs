using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>
/// The real server with recording fakes for the providers' call control (a Twilio-like one that cannot send DTMF,
/// a Telnyx-like one that can, an unconfigured "vonage") and for the edge call's events, plus helpers that put calls
/// in the directory the way the registry and the bridge do.
/// </summary>
internal sealed class CallsHost : IAsyncDisposable
{
    public const string ApiKey = "calls-test-api-key";
    public const string Caller = "+15551234567";
    public const string OurNumber = "+15557654321";

    private readonly ServerFactory _factory;
    private readonly WebApplicationFactory<Program> _server;

    public CallsHost(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["PhoneBridge:ApiKey"] = ApiKey };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _factory = new ServerFactory(settings: all);
        _server = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IPhoneCallControl>();
            services.AddSingleton<IPhoneCallControl>(sp => new RecordingPhoneCallControl("twilio", sp.GetRequiredService<ICallRegistry>(), sp.GetRequiredService<CallDirectory>()));
            services.AddSingleton<IPhoneCallControl>(sp => new RecordingPhoneCallControl("telnyx", sp.GetRequiredService<ICallRegistry>(), sp.GetRequiredService<CallDirectory>(), sendsDtmf: true));
            services.AddSingleton<IPhoneCallControl>(sp => new RecordingPhoneCallControl("vonage", sp.GetRequiredService<ICallRegistry>(), sp.GetRequiredService<CallDirectory>(), isConfigured: false));
            services.RemoveAll<ICallEventPublisher>();
            services.AddSingleton<ICallEventPublisher>(Events);
        }));
        Client = _server.CreateClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public HttpClient Client { get; }

    public RecordingCallEventPublisher Events { get; } = new();

    public ListLoggerProvider Logs => _factory.Logs;

    public IServiceProvider Services => _server.Services;

    public CallDirectory Directory => Services.GetRequiredService<CallDirectory>();

    public HttpClient CreateClientWithoutKey() => _server.CreateClient();

    public RecordingPhoneCallControl Provider(string name) =>
        Services.GetRequiredService<IEnumerable<IPhoneCallControl>>().OfType<RecordingPhoneCallControl>().Single(p => p.Provider == name);

    /// <summary>An incoming call as a provider's webhook registers it and its media socket claims it.</summary>
    public LiveCall Incoming(string provider = "twilio", bool answered = true)
    {
        var registry = Services.GetRequiredService<ICallRegistry>();
        var registration = registry.Register(new CallRegistrationRequest(provider, provider + "-inbound", Caller, OurNumber));
        Assert.Equal(ClaimResult.Claimed, registry.TryClaim(registration.CallId, registration.Token, out _));
        if (answered)
        {
            Directory.MarkAnswered(registration.CallId);
        }

        Assert.True(Directory.TryGet(registration.CallId, out var call));
        return call;
    }

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) =>
        body is null ? Client.PostAsync(path, null) : Client.PostAsJsonAsync(path, body);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
