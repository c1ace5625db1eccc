using System.Net;
using System.Net.Http.Headers;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Integration.Tests.Calls;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Dashboard;

/// <summary>
/// The dashboard's login and the session standing in for the API key, over HTTP on the real server: refusals
/// without a session, the cookie's attributes, CSRF on the calls API's POSTs, and logout.
/// </summary>
public sealed class DashboardAuthTests
{
    [Fact]
    public async Task Without_a_session_pages_redirect_to_the_login_and_the_dashboard_api_answers_401()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings());
        using var client = new DashboardClient(server.BaseUrl);

        foreach (var page in new[] { "dashboard", "dashboard/", "dashboard/calls/CA123" })
        {
            using var answer = await client.GetAsync(page);
            Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"{page}: {(int)answer.StatusCode}");
            Assert.Equal("/dashboard/login", answer.Headers.Location?.OriginalString);
        }

        foreach (var api in new[] { "dashboard/events", "dashboard/session", "dashboard/api/calls/CA123", "calls" })
        {
            using var answer = await client.GetAsync(api);
            Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{api}: {(int)answer.StatusCode}");
        }

        // A made-up cookie is no session either.
        client.Cookie = "not-a-session";
        using (var made = await client.GetAsync("dashboard/events"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, made.StatusCode);
        }

        // The login page and its assets are served to anyone, from the server itself.
        using var login = await client.GetAsync("dashboard/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var html = await login.Content.ReadAsStringAsync();
        Assert.Contains("action=\"/dashboard/login\"", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", login.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
        using var css = await client.GetAsync("dashboard/assets/dashboard.css");
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        using var missing = await client.GetAsync("dashboard/assets/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_gets_no_cookie_and_counts_toward_the_failed_authentication_limit()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings(new Dictionary<string, string?>
        {
            ["PhoneBridge:Security:MaxFailedAuthPerMinute"] = "3",
        }));
        using var client = new DashboardClient(server.BaseUrl);

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await client.LoginAsync("not-the-key");
            Assert.Equal(HttpStatusCode.SeeOther, wrong.StatusCode);
            Assert.Equal("/dashboard/login?failed", wrong.Headers.Location?.OriginalString);
            Assert.Null(DashboardClient.SetCookie(wrong));
        }

        // The address has used up its failures: even the right key waits for the window to roll.
        using var blocked = await client.LoginAsync(CallsApi.ApiKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Null(client.Cookie);

        using var notAForm = await new HttpClient { BaseAddress = server.BaseUrl }.PostAsync("dashboard/login", new StringContent("{}", null, "application/json"));
        Assert.True(notAForm.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests, ((int)notAForm.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_right_key_sets_an_http_only_strict_session_cookie_that_is_secure_when_the_request_came_over_https()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings());
        using var client = new DashboardClient(server.BaseUrl);

        using var login = await client.LoginAsync(CallsApi.ApiKey);
        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        Assert.Equal("/dashboard", login.Headers.Location?.OriginalString);
        var cookie = DashboardClient.SetCookie(login)!.ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(CallsApi.ApiKey, cookie, StringComparison.Ordinal);

        using var page = await client.GetAsync("dashboard");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // Behind a TLS-terminating proxy (loopback is trusted): the browser used HTTPS, so the cookie is Secure.
        using var proxied = new DashboardClient(server.BaseUrl);
        using var secure = await proxied.LoginAsync(CallsApi.ApiKey, r => r.Headers.Add("X-Forwarded-Proto", "https"));
        Assert.Equal(HttpStatusCode.SeeOther, secure.StatusCode);
        Assert.Contains("secure", DashboardClient.SetCookie(secure)!.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.NotEqual(client.Cookie, proxied.Cookie);
    }

    [Fact]
    public async Task A_session_calls_the_calls_api_and_its_posts_need_the_csrf_header_which_a_bearer_key_does_not()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings());
        using var api = new CallsApi(server);
        using var http = server.NewHttpClient();
        using var client = new DashboardClient(server.BaseUrl);
        var csrf = await client.LoginAndGetCsrfAsync(CallsApi.ApiKey);

        await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
        var callId = CallsApi.CallId(await api.WaitForCallAsync(c => CallsApi.State(c) == "answered", "the call to be answered"));

        using (var list = await client.GetAsync("calls"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Contains(callId, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var none = await client.PostAsync($"calls/{callId}/hold"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        }

        using (var wrong = await client.PostAsync($"calls/{callId}/hold", csrf: csrf[..^2] + "xx"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }

        using (var hangUp = await client.PostAsync($"calls/{callId}/hangup"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, hangUp.StatusCode);
        }

        Assert.Equal("answered", CallsApi.State((await api.GetAsync("calls/" + callId)).Body));

        Assert.False((await api.GetAsync("calls/" + callId)).Body.GetProperty("held").GetBoolean());

        using (var right = await client.PostAsync($"calls/{callId}/hold", csrf: csrf))
        {
            Assert.True(right.IsSuccessStatusCode, ((int)right.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.True((await api.GetAsync("calls/" + callId)).Body.GetProperty("held").GetBoolean());

        // The API key needs no CSRF token: it is not sent by a browser on its own.
        var unhold = await api.PostAsync($"calls/{callId}/unhold");
        Assert.True(unhold.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, unhold.ToString());

        // A session token is no bearer key.
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "calls");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", csrf);
        using var plain = new HttpClient { BaseAddress = server.BaseUrl };
        using var refused = await plain.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await caller.HangUpAsync(CallsApi.Generous, CancellationToken.None);
    }

    [Fact]
    public async Task Logout_needs_the_csrf_header_and_ends_the_session_for_pages_events_and_the_calls_api()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings());
        using var client = new DashboardClient(server.BaseUrl);
        var csrf = await client.LoginAndGetCsrfAsync(CallsApi.ApiKey);

        using (var withoutCsrf = await client.PostAsync("dashboard/logout"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, withoutCsrf.StatusCode);
        }

        using (var stillIn = await client.GetAsync("dashboard/session"))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }

        using (var logout = await client.PostAsync("dashboard/logout", csrf))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            Assert.Contains("expires=", DashboardClient.SetCookie(logout)!.ToLowerInvariant(), StringComparison.Ordinal);
        }

        // The old cookie, replayed, is no session any more.
        foreach (var api in new[] { "dashboard/session", "dashboard/events", "calls" })
        {
            using var answer = await client.GetAsync(api);
            Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{api}: {(int)answer.StatusCode}");
        }

        using var page = await client.GetAsync("dashboard");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        using var again = await client.PostAsync("dashboard/logout", csrf);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }
}
