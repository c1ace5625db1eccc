using System.Net;
using System.Text.Json;

namespace PhoneBridge.Integration.Tests.Dashboard;

/// <summary>
/// A browser's view of the dashboard over plain HTTP: no redirects followed and cookies kept by hand, so the tests
/// see every status, Location and Set-Cookie the server sends.
/// </summary>
internal sealed class DashboardClient : IDisposable
{
    public const string CookieName = "PhoneBridge.Dashboard";
    public const string CsrfHeader = "X-PhoneBridge-Csrf";

    private readonly HttpClient _http;

    public DashboardClient(Uri baseUrl)
    {
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The session cookie's value once logged in.</summary>
    public string? Cookie { get; set; }

    /// <summary>POST /dashboard/login with the form field <c>key</c>; keeps the cookie it sets.</summary>
    public async Task<HttpResponseMessage> LoginAsync(string key, Action<HttpRequestMessage>? adjust = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "dashboard/login")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("key", key)]),
        };
        adjust?.Invoke(request);
        var response = await SendAsync(request).ConfigureAwait(false);
        if (SetCookie(response) is { } cookie)
        {
            Cookie = cookie.Split(';')[0][(CookieName.Length + 1)..];
        }

        return response;
    }

    /// <summary>Logs in with the right key and fetches the session's CSRF token.</summary>
    public async Task<string> LoginAndGetCsrfAsync(string key)
    {
        using var login = await LoginAsync(key).ConfigureAwait(false);
        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        using var session = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "dashboard/session")).ConfigureAwait(false);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        using var body = JsonDocument.Parse(await session.Content.ReadAsStringAsync().ConfigureAwait(false));
        Assert.Equal(CsrfHeader, body.RootElement.GetProperty("csrfHeader").GetString());
        return body.RootElement.GetProperty("csrfToken").GetString()!;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<HttpResponseMessage> PostAsync(string path, string? csrf = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (csrf is not null)
        {
            request.Headers.Add(CsrfHeader, csrf);
        }

        return SendAsync(request);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Cookie is not null)
        {
            request.Headers.Add("Cookie", $"{CookieName}={Cookie}");
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
    }

    public static string? SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.FirstOrDefault(v => v.StartsWith(CookieName + "=", StringComparison.Ordinal)) : null;

    public void Dispose() => _http.Dispose();
}
