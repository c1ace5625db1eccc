using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Stream;
using PhoneBridge.Stream.Edge;
using PhoneBridge.Telnyx;
using PhoneBridge.Twilio;

namespace PhoneBridge.Server.Hosting;

/// <summary>
/// Once the host has started (and so knows its listening addresses), says in one block what a person setting the
/// server up needs: the active edge, the enabled providers, the webhook URLs to paste into the Twilio and Telnyx
/// consoles and, in Development, a simulator command to try. Nothing secret goes in it: keys and tokens are only
/// described as configured or not, and URLs lose any user info.
/// </summary>
internal sealed class StartupSummaryLogger(
    IHostApplicationLifetime lifetime,
    IServer server,
    IServiceProvider services,
    IHostEnvironment environment,
    IOptionsMonitor<PhoneBridgeOptions> phoneBridge,
    IOptions<TwilioOptions> twilio,
    IOptions<TelnyxOptions> telnyx,
    ILogger<StartupSummaryLogger> logger) : IHostedService
{
    private const string Disabled = "(disabled)";

    private CancellationTokenRegistration _started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _started = lifetime.ApplicationStarted.Register(LogSummary);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _started.Dispose();
        return Task.CompletedTask;
    }

    private void LogSummary()
    {
        var edge = services.GetService<StreamEdge>() is null
            ? "local echo"
            : "Stream (" + WithoutUserInfo(services.GetRequiredService<IOptions<StreamOptions>>().Value.BaseUrl) + ")";

        var twilioEnabled = twilio.Value.Enabled;
        var telnyxOptions = telnyx.Value;
        var providers = string.Join(", ", new[] { twilioEnabled ? "Twilio" : null, telnyxOptions.IsEnabled ? "Telnyx" : null }.OfType<string>());

        var configured = Uri.TryCreate(phoneBridge.CurrentValue.PublicUrl, UriKind.Absolute, out var publicUri) ? WithoutUserInfo(publicUri) : null;
        var baseUrl = configured ?? LocalAddress();
        var publicUrl = configured is not null
            ? configured + " (PhoneBridge:PublicUrl / NGROK_URL)"
            : "not set: taken from each request (Host and trusted X-Forwarded-* headers); the examples use the local address " + baseUrl;

        var telnyxCodec = !telnyxOptions.IsEnabled
            ? Disabled
            : telnyxOptions.Codec == TelnyxCodec.L16
                ? "L16 16 kHz on dialed calls; answered calls stream PCMU (Call Control answer cannot set the two-way sampling rate)"
                : telnyxOptions.Codec.ToString();

        var simulator = environment.IsDevelopment()
            ? $"dotnet run --project src/PhoneBridge.Simulator -- call --server {baseUrl} --seconds 5"
            : "(Development only)";

        StartupSummaryLoggerLog.Ready(
            logger,
            edge,
            providers.Length == 0 ? "none" : providers,
            publicUrl,
            twilioEnabled ? baseUrl + "/twilio/voice (phone number > A call comes in > Webhook, HTTP POST)" : Disabled,
            telnyxOptions.IsEnabled ? baseUrl + "/telnyx/events (Call Control Application > Webhook URL)" : Disabled,
            telnyxCodec,
            simulator);
    }

    /// <summary>The first address Kestrel listens on, with a wildcard host made reachable from this machine.</summary>
    private string LocalAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null)
        {
            return "http://localhost";
        }

        foreach (var wildcard in new[] { "://0.0.0.0", "://[::]", "://+", "://*" })
        {
            address = address.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        }

        return address.TrimEnd('/');
    }

    private static string WithoutUserInfo(Uri uri) => (uri.Scheme + "://" + uri.Authority + uri.AbsolutePath).TrimEnd('/');
}
