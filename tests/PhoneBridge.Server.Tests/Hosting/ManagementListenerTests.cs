using System.Net;
using System.Net.Http.Headers;
using PhoneBridge.Testing.Server;

namespace PhoneBridge.Server.Tests.Hosting;

/// <summary>
/// <c>PhoneBridge:Server:ManagementUrls</c> on the real server process: the management listener serves
/// <c>/stats</c>, <c>/stats/gc</c> and <c>/health/*</c> anonymously and nothing else; the public listener no longer
/// serves <c>/stats</c>, even with the key, and goes on serving everything else.
/// </summary>
public sealed class ManagementListenerTests
{
    private const string ApiKey = "management-test-key";

    [Fact]
    public async Task Management_endpoints_are_served_alone_and_anonymous_on_the_management_listener()
    {
        var managementPort = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["Twilio__AuthToken"] = "management-test-token",
                ["PhoneBridge__ApiKey"] = ApiKey,
                ["PhoneBridge__Server__ManagementUrls__0"] = $"http://127.0.0.1:{managementPort}",
            },
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var management = new Uri($"http://127.0.0.1:{managementPort}");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, new Uri(management, "/stats")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Post, new Uri(management, "/stats/gc")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, new Uri(management, "/health/live")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, new Uri(management, "/health/ready")));
        // Nothing else there, not even with the key.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, HttpMethod.Get, new Uri(management, "/calls"), ApiKey));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, HttpMethod.Post, new Uri(management, "/twilio/voice")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, HttpMethod.Get, new Uri(management, "/openapi/v1.json")));

        // The public listener: no /stats, with or without the key; the rest as before.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, HttpMethod.Get, new Uri(server.Url, "/stats")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, HttpMethod.Get, new Uri(server.Url, "/stats"), ApiKey));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, HttpMethod.Post, new Uri(server.Url, "/stats/gc"), ApiKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, new Uri(server.Url, "/health/ready")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, new Uri(server.Url, "/calls"), ApiKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, HttpMethod.Get, new Uri(server.Url, "/calls")));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, HttpMethod method, Uri url, string? key = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
