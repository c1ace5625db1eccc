using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Dashboard.Sessions;

/// <summary>
/// The dashboard's logins: an opaque random id in an HttpOnly cookie, kept here (by its hash) with a CSRF token, an
/// idle timeout and an absolute lifetime, at most <see cref="DashboardOptions.MaxSessions"/> of them (a login past
/// that ends the least recently used). Stands in for the API key on every API-key endpoint, so the pages call the
/// calls API with the cookie and, on POST, the <c>X-PhoneBridge-Csrf</c> header.
/// </summary>
internal sealed class DashboardSessions(IOptionsMonitor<DashboardOptions> options, TimeProvider time) : IApiKeySessions
{
    public const string CookieName = "PhoneBridge.Dashboard";
    public const string CsrfHeader = "X-PhoneBridge-Csrf";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_gate) { return _sessions.Count; } }
    }

    /// <summary>A new session; returns the cookie value (never stored) and the session.</summary>
    public (string CookieValue, DashboardSession Session) Create()
    {
        var cookieValue = NewToken();
        var now = time.GetUtcNow();
        var session = new DashboardSession(KeyOf(cookieValue), NewToken(), now);
        lock (_gate)
        {
            RemoveExpired(now);
            if (_sessions.Count >= options.CurrentValue.MaxSessions)
            {
                var oldest = _sessions.Values.MinBy(s => s.LastUsedAt)!;
                _sessions.Remove(oldest.Key);
            }

            _sessions[session.Key] = session;
        }

        return (cookieValue, session);
    }

    /// <summary>The request's valid session (touched: its idle time starts again), or null.</summary>
    public DashboardSession? Find(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Cookies.TryGetValue(CookieName, out var cookieValue) || string.IsNullOrEmpty(cookieValue) || cookieValue.Length > 128)
        {
            return null;
        }

        var key = KeyOf(cookieValue);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(key, out var session))
            {
                return null;
            }

            if (IsExpired(session, now))
            {
                _sessions.Remove(key);
                return null;
            }

            session.Touch(now);
            return session;
        }
    }

    public ApiKeySessionCheck Check(HttpContext context, bool unsafeMethod)
    {
        var session = Find(context);
        if (session is null)
        {
            return ApiKeySessionCheck.None;
        }

        return !unsafeMethod || CsrfMatches(session, context.Request.Headers[CsrfHeader].ToString())
            ? ApiKeySessionCheck.Valid
            : ApiKeySessionCheck.CsrfRefused;
    }

    /// <summary>Ends the request's session, if it has one; false when it had none.</summary>
    public bool End(HttpContext context)
    {
        var session = Find(context);
        if (session is null)
        {
            return false;
        }

        lock (_gate)
        {
            _sessions.Remove(session.Key);
        }

        return true;
    }

    internal static bool CsrfMatches(DashboardSession session, string presented)
    {
        // Hashing first makes the comparison independent of both lengths.
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(session.CsrfToken));
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private bool IsExpired(DashboardSession session, DateTimeOffset now)
    {
        var o = options.CurrentValue;
        return now - session.LastUsedAt >= o.SessionIdleTimeout || now - session.CreatedAt >= o.SessionLifetime;
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        List<string>? expired = null;
        foreach (var session in _sessions.Values)
        {
            if (IsExpired(session, now))
            {
                (expired ??= []).Add(session.Key);
            }
        }

        foreach (var key in expired ?? [])
        {
            _sessions.Remove(key);
        }
    }

    private static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    // The store holds the id's hash, so a lookup's timing says nothing about a valid id, and a dump of the store none.
    private static string KeyOf(string cookieValue) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(cookieValue)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
