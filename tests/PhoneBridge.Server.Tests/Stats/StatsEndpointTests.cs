using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Server.Tests.Stats;

/// <summary><c>/health</c>, <c>/stats</c> and the key-guarded <c>POST /stats/gc</c> on the real server.</summary>
public sealed class StatsEndpointTests
{
    [Fact]
    public async Task Health_and_stats_answer()
    {
        const string key = "stats-key-123";
        await using var factory = new ServerFactory(settings: new Dictionary<string, string?> { ["PhoneBridge:ApiKey"] = key });
        using var client = factory.CreateClient();

        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // Without a management listener /stats is behind the API key.
        using var anonymous = await client.GetAsync("/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stats = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var names = stats.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["activeCalls", "allocatedBytes", "callsTotal", "framesDropped", "framesFromPhone", "framesToPhone", "gen0Collections", "jitCompiledMethods", "jitTimeMs", "processCpuMs"], names);
        Assert.True(stats.RootElement.GetProperty("processCpuMs").GetInt64() > 0);
        Assert.True(stats.RootElement.GetProperty("allocatedBytes").GetInt64() > 0);
        Assert.Equal(0, stats.RootElement.GetProperty("activeCalls").GetInt64());
    }

    [Fact]
    public async Task Full_gc_runs_only_with_the_api_key()
    {
        const string key = "stats-gc-key-123";
        var logs = new ListLoggerProvider();
        await using var factory = new ServerFactory(settings: new Dictionary<string, string?> { ["PhoneBridge:ApiKey"] = key });
        await using var server = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = server.CreateClient();

        using var none = await client.PostAsync("/stats/gc", null);
        using var wrongRequest = new HttpRequestMessage(HttpMethod.Post, "/stats/gc");
        wrongRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");
        using var wrong = await client.SendAsync(wrongRequest);
        using var get = await client.GetAsync("/stats/gc");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Empty(logs.WithEventId(6100)); // refused before any collection

        using var request = new HttpRequestMessage(HttpMethod.Post, "/stats/gc");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var ok = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync());
        var heap = body.RootElement.GetProperty("heapSizeBytes").GetInt64();
        var live = body.RootElement.GetProperty("liveBytes").GetInt64();
        Assert.True(live > 0 && live <= heap, body.RootElement.ToString());
        Assert.True(body.RootElement.GetProperty("gen2Collections").GetInt32() > 0);
        Assert.Single(logs.WithEventId(6100));
        Assert.DoesNotContain(key, logs.AllText(), StringComparison.Ordinal);
    }
}
