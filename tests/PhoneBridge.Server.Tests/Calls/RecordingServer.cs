using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PhoneBridge.Core.Calls;
using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>
/// The real server on a loopback Kestrel port (local echo edge: the caller hears its own audio back), recording
/// into <see cref="Directory"/>, with the edge call's events kept in <see cref="Events"/> and the simulated Twilio
/// caller at hand.
/// </summary>
internal sealed class RecordingServer : ServerFactory
{
    public const string ApiKey = "recording-test-api-key";

    private RecordingServer(string directory, IDictionary<string, string?> settings)
        : base(settings: settings)
    {
        Directory = directory;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public string Directory { get; }

    public RecordingCallEventPublisher Events { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public CallDirectory Calls => Services.GetRequiredService<CallDirectory>();

    public static RecordingServer Start(string directory, bool enabled, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PhoneBridge:ApiKey"] = ApiKey,
            ["PhoneBridge:Recording:Enabled"] = enabled ? "true" : "false",
            ["PhoneBridge:Recording:Directory"] = directory,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var server = new RecordingServer(directory, settings);
        server.StartServer();
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public HttpClient Api()
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    /// <summary>Runs <c>simulator call</c> against this server with <paramref name="options"/>.</summary>
    public async Task<(int Code, string Output, string Error)> CallAsync(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimulatorCli.RunAsync(
            ["call", "--server", BaseUrl.ToString(), "--auth-token", AuthToken, .. options],
            output, error, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Waits for <paramref name="condition"/>, checking every 50 ms, for at most <paramref name="timeout"/>.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return condition();
            }
        }

        return true;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<ICallEventPublisher>();
            services.AddSingleton<ICallEventPublisher>(Events);
        });
    }
}
