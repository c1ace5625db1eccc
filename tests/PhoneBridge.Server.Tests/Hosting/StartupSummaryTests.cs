using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Server.Tests.OpenApi;

namespace PhoneBridge.Server.Tests.Hosting;

public class StartupSummaryTests
{
    private const int SummaryEventId = 6000;

    private static async Task<LogEntry> StartAndReadSummaryAsync(string environment, IDictionary<string, string?> settings)
    {
        var logs = new ListLoggerProvider();
        await using var factory = new ServerFactory(environment, settings);
        await using var withLogs = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(logs)));
        using var client = withLogs.CreateClient();
        return Assert.Single(logs.WithEventId(SummaryEventId));
    }

    [Fact]
    public async Task Says_edge_providers_and_webhook_urls_from_the_public_url_without_secrets()
    {
        var settings = new Dictionary<string, string?>(OpenApiDocumentTests.AllEndpoints)
        {
            ["PhoneBridge:PublicUrl"] = "https://abc.ngrok.app",
            ["PhoneBridge:ApiKey"] = "summary-test-api-key",
            ["Telnyx:Codec"] = "L16",
        };

        var summary = await StartAndReadSummaryAsync("Development", settings);

        Assert.Equal(LogLevel.Information, summary.Level);
        Assert.Contains("Edge:           Stream (http://127.0.0.1:9)", summary.Message, StringComparison.Ordinal);
        Assert.Contains("Providers:      Twilio, Telnyx", summary.Message, StringComparison.Ordinal);
        Assert.Contains("https://abc.ngrok.app/twilio/voice", summary.Message, StringComparison.Ordinal);
        Assert.Contains("https://abc.ngrok.app/telnyx/events", summary.Message, StringComparison.Ordinal);
        Assert.Contains("answered calls stream PCMU", summary.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/PhoneBridge.Simulator -- call --server https://abc.ngrok.app --seconds 5", summary.Message, StringComparison.Ordinal);
        foreach (var secret in new[] { ServerFactory.AuthToken, "summary-test-api-key", settings["Telnyx:ApiKey"]!, settings["Stream:ApiSecret"]!, settings["Stream:ApiKey"]!, settings["Telnyx:PublicKey"]! })
        {
            Assert.DoesNotContain(secret, summary.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_a_public_url_says_it_comes_from_each_request_and_offers_no_simulator_outside_development()
    {
        var summary = await StartAndReadSummaryAsync("Production", new Dictionary<string, string?>());

        Assert.Contains("Edge:           local echo", summary.Message, StringComparison.Ordinal);
        Assert.Contains("Providers:      Twilio\n", summary.Message.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("taken from each request", summary.Message, StringComparison.Ordinal);
        Assert.Contains("http://localhost/twilio/voice", summary.Message, StringComparison.Ordinal);
        Assert.Contains("Telnyx webhook: (disabled)", summary.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet run", summary.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ServerFactory.AuthToken, summary.Message, StringComparison.Ordinal);
    }
}
