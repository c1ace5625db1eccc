using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PhoneBridge.Integration.Tests.Bridge;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// The management API <c>/calls</c> of a running server as an agent calls it: every request with
/// <c>Authorization: Bearer &lt;PhoneBridge:ApiKey&gt;</c>, answers read as JSON.
/// </summary>
internal sealed class CallsApi : IDisposable
{
    public const string ApiKey = "calls-integration-api-key";

    /// <summary>Generous for a loaded 2-core machine.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;

    public CallsApi(BridgeServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    /// <summary>The server's settings for the API key, plus <paramref name="more"/>.</summary>
    public static Dictionary<string, string?> Settings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["PhoneBridge:ApiKey"] = ApiKey };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public Task<Answer> PostAsync(string path, object? body = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) });

    public Task<Answer> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>GET /calls.</summary>
    public async Task<JsonElement[]> ListAsync()
    {
        var answer = await GetAsync("calls").ConfigureAwait(false);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        return [.. answer.Body.EnumerateArray()];
    }

    /// <summary>The first listed call <paramref name="match"/> accepts, waiting for it.</summary>
    public async Task<JsonElement> WaitForCallAsync(Func<JsonElement, bool> match, string what, TimeSpan? within = null)
    {
        JsonElement found = default;
        await UntilAsync(async () => (await ListAsync().ConfigureAwait(false)).FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } call && (found = call).ValueKind == JsonValueKind.Object, what, within)
            .ConfigureAwait(false);
        return found;
    }

    /// <summary>GET /calls/{callId} until <paramref name="match"/> accepts it.</summary>
    public async Task<JsonElement> WaitForCallAsync(string callId, Func<JsonElement, bool> match, string what, TimeSpan? within = null)
    {
        JsonElement found = default;
        await UntilAsync(
            async () =>
            {
                var answer = await GetAsync("calls/" + callId).ConfigureAwait(false);
                found = answer.Body;
                return answer.Status == HttpStatusCode.OK && match(answer.Body);
            },
            what,
            within).ConfigureAwait(false);
        return found;
    }

    /// <summary>Waits until the call is neither listed nor found.</summary>
    public Task WaitGoneAsync(string callId, TimeSpan? within = null) =>
        UntilAsync(
            async () => (await GetAsync("calls/" + callId).ConfigureAwait(false)).Status == HttpStatusCode.NotFound
                && !(await ListAsync().ConfigureAwait(false)).Any(c => c.GetProperty("callId").GetString() == callId),
            $"call {callId} to leave GET /calls",
            within);

    /// <summary>Polls a condition the server reaches on its own; fails naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Generous);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public static string State(JsonElement call) => call.GetProperty("state").GetString()!;

    public static string CallId(JsonElement call) => call.GetProperty("callId").GetString()!;

    public static long Media(JsonElement call, string counter) => call.GetProperty("media").GetProperty(counter).GetInt64();

    public void Dispose() => _http.Dispose();

    private async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            return new Answer(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, text);
        }
    }

    /// <summary>An answer of the API: status, JSON body (default when empty), its media type and text.</summary>
    public sealed record Answer(HttpStatusCode Status, JsonElement Body, string? MediaType, string Text)
    {
        public override string ToString() => $"{(int)Status} {Text}";
    }
}
