using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace PhoneBridge.Integration.Tests.Cluster;

/// <summary>The management API of one instance (or of nginx in front of them), with the API key.</summary>
internal sealed class ClusterApi : IDisposable
{
    private readonly HttpClient _http;

    public ClusterApi(Uri baseUrl)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = ClusterRig.Generous };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterRig.ApiKey);
    }

    public Task<Answer> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<Answer> PostAsync(string path, object? body = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) });

    /// <summary>Asks until <paramref name="done"/> holds for the answer to GET <paramref name="path"/>.</summary>
    public async Task<Answer> WaitAsync(string path, Func<Answer, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + ClusterRig.Generous;
        Answer answer;
        do
        {
            answer = await GetAsync(path);
            if (done(answer))
            {
                return answer;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"waited for {what}; last answer to {path}: {answer}");
    }

    private async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonElement body = default;
            if (text.Length > 0)
            {
                try
                {
                    body = JsonDocument.Parse(text).RootElement.Clone();
                }
                catch (JsonException)
                {
                }
            }

            return new Answer(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, response.Headers.Location, text);
        }
    }

    public void Dispose() => _http.Dispose();

    public sealed record Answer(HttpStatusCode Status, JsonElement Body, string? MediaType, Uri? Location, string Text)
    {
        public override string ToString() => $"{(int)Status} {MediaType} {Text}";
    }
}
