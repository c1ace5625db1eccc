using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Dashboard;
using PhoneBridge.Dashboard.Sessions;

namespace PhoneBridge.Integration.Tests.Dashboard;

public sealed class DashboardSessionsTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly DashboardOptions _options = new() { SessionIdleTimeout = TimeSpan.FromMinutes(30), SessionLifetime = TimeSpan.FromHours(2), MaxSessions = 3 };

    [Fact]
    public void A_session_lasts_while_used_within_its_idle_timeout_and_never_past_its_lifetime()
    {
        var sessions = Sessions();
        var (cookie, _) = sessions.Create();

        // Used every 29 minutes: alive for 4 × 29 min = 1 h 56 min, gone at 2 h 25 min, past its 2-hour lifetime.
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(29));
            Assert.Equal(ApiKeySessionCheck.Valid, sessions.Check(Request(cookie), unsafeMethod: false));
        }

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(ApiKeySessionCheck.None, sessions.Check(Request(cookie), unsafeMethod: false));
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public void An_idle_session_expires_and_its_cookie_is_no_longer_recognised()
    {
        var sessions = Sessions();
        var (cookie, _) = sessions.Create();
        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.NotNull(sessions.Find(Request(cookie)));
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(sessions.Find(Request(cookie)));
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public void Logins_past_the_limit_end_the_least_recently_used_session()
    {
        var sessions = Sessions();
        var (first, _) = sessions.Create();
        _time.Advance(TimeSpan.FromSeconds(1));
        var (second, _) = sessions.Create();
        _time.Advance(TimeSpan.FromSeconds(1));
        var (third, _) = sessions.Create();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(sessions.Find(Request(first)));   // now the most recently used

        var (fourth, _) = sessions.Create();

        Assert.Equal(3, sessions.Count);
        Assert.Null(sessions.Find(Request(second)));
        Assert.NotNull(sessions.Find(Request(first)));
        Assert.NotNull(sessions.Find(Request(third)));
        Assert.NotNull(sessions.Find(Request(fourth)));
    }

    [Fact]
    public void Unsafe_methods_need_the_sessions_own_csrf_token_and_ids_and_tokens_are_unguessable()
    {
        var sessions = Sessions();
        var (cookie, session) = sessions.Create();
        var (otherCookie, other) = sessions.Create();

        Assert.Equal(ApiKeySessionCheck.Valid, sessions.Check(Request(cookie), unsafeMethod: false));
        Assert.Equal(ApiKeySessionCheck.CsrfRefused, sessions.Check(Request(cookie), unsafeMethod: true));
        Assert.Equal(ApiKeySessionCheck.CsrfRefused, sessions.Check(Request(cookie, ""), unsafeMethod: true));
        Assert.Equal(ApiKeySessionCheck.CsrfRefused, sessions.Check(Request(cookie, other.CsrfToken), unsafeMethod: true));
        Assert.Equal(ApiKeySessionCheck.Valid, sessions.Check(Request(cookie, session.CsrfToken), unsafeMethod: true));
        Assert.Equal(ApiKeySessionCheck.None, sessions.Check(Request(session.CsrfToken, session.CsrfToken), unsafeMethod: true));

        Assert.NotEqual(cookie, otherCookie);
        Assert.True(cookie.Length >= 43, "256 random bits");
        Assert.NotEqual(cookie, session.CsrfToken);
        Assert.DoesNotContain(cookie, session.Key, StringComparison.Ordinal);
    }

    private DashboardSessions Sessions() => new(new StaticOptions(_options), _time);

    private static DefaultHttpContext Request(string cookie, string? csrf = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = $"{DashboardSessions.CookieName}={cookie}";
        if (csrf is not null)
        {
            context.Request.Headers[DashboardSessions.CsrfHeader] = csrf;
        }

        return context;
    }

    private sealed class StaticOptions(DashboardOptions value) : IOptionsMonitor<DashboardOptions>
    {
        public DashboardOptions CurrentValue => value;

        public DashboardOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<DashboardOptions, string?> listener) => null;
    }
}
