using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Security;
using PhoneBridge.Dashboard.Pages;

namespace PhoneBridge.Dashboard.Sessions;

/// <summary>Login with the API key into a session cookie, the page's view of its session, and logout.</summary>
internal static class LoginEndpoints
{
    /// <summary>
    /// <c>POST /dashboard/login</c> (form field <c>key</c>): the right key gets a session cookie and 303 to the list;
    /// a wrong one 303 back to the login with <c>?failed</c>, counted by the failed-authentication limiter.
    /// </summary>
    public static async Task<IResult> LoginAsync(
        HttpContext context, DashboardSessions sessions, IOptionsMonitor<PhoneBridgeOptions> phoneBridge, IOptionsMonitor<DashboardOptions> options,
        FailedAuthLimiter limiter, ILogger<DashboardSessions> logger, CancellationToken cancellationToken)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (!context.Request.HasFormContentType)
        {
            DashboardLog.LoginMalformed(logger, remote?.ToString());
            return TypedResults.Problem(title: "Bad Request", detail: "Post the login form (field \"key\").", statusCode: StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var configured = phoneBridge.CurrentValue.ApiKey;
        var reason = string.IsNullOrEmpty(configured) ? "PhoneBridge:ApiKey is not configured"
            : !KeyMatches(form["key"].ToString(), configured) ? "wrong API key"
            : null;
        if (reason is not null)
        {
            if (limiter.RecordFailure(remote, reason == "wrong API key" ? "wrong dashboard key" : "API key not configured"))
            {
                DashboardLog.LoginRefused(logger, remote?.ToString(), reason);
            }

            return new SeeOther(DashboardPages.LoginPath + "?failed");
        }

        var (cookieValue, _) = sessions.Create();
        context.Response.Cookies.Append(DashboardSessions.CookieName, cookieValue, new CookieOptions
        {
            HttpOnly = true,
            // After UseForwardedHeaders: HTTPS also when a trusted proxy says the client used it.
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = options.CurrentValue.SessionLifetime,
            IsEssential = true,
        });
        DashboardLog.LoggedIn(logger, remote?.ToString());
        return new SeeOther("/dashboard");
    }

    /// <summary><c>POST /dashboard/logout</c> with the session's CSRF header: the session ends, its cookie is cleared.</summary>
    public static IResult Logout(HttpContext context, DashboardSessions sessions, ILogger<DashboardSessions> logger)
    {
        switch (sessions.Check(context, unsafeMethod: true))
        {
            case ApiKeySessionCheck.None:
                return TypedResults.Unauthorized();
            case ApiKeySessionCheck.CsrfRefused:
                return TypedResults.Problem(title: "Forbidden", detail: "Logout needs the session's X-PhoneBridge-Csrf header.", statusCode: StatusCodes.Status403Forbidden);
        }

        sessions.End(context);
        context.Response.Cookies.Delete(DashboardSessions.CookieName, new CookieOptions { Path = "/", HttpOnly = true, Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict });
        DashboardLog.LoggedOut(logger, context.Connection.RemoteIpAddress?.ToString());
        return TypedResults.NoContent();
    }

    /// <summary><c>GET /dashboard/session</c>: the CSRF token the page sends on POST; 401 without a session.</summary>
    public static Results<Ok<DashboardSessionResponse>, UnauthorizedHttpResult> Session(
        HttpContext context, DashboardSessions sessions, IOptionsMonitor<CallListOptions> listOptions)
    {
        context.Response.Headers.CacheControl = "no-store";
        return sessions.Find(context) is { } session
            ? TypedResults.Ok(new DashboardSessionResponse(session.CsrfToken, DashboardSessions.CsrfHeader, listOptions.CurrentValue.ShowFullNumber))
            : TypedResults.Unauthorized();
    }

    internal static bool KeyMatches(string presented, string configured)
    {
        // Hashing first makes the comparison independent of both lengths.
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented.Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>303 See Other: after a form post the browser follows with a GET.</summary>
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}

/// <summary>Answer of <c>GET /dashboard/session</c>.</summary>
/// <param name="CsrfToken">Send it as <paramref name="CsrfHeader"/> on every POST with the session cookie.</param>
/// <param name="CsrfHeader">The header's name, <c>X-PhoneBridge-Csrf</c>.</param>
/// <param name="ShowFullNumber">Whether numbers are shown in full (<c>Stream:ShowFullNumber</c>).</param>
internal sealed record DashboardSessionResponse(string CsrfToken, string CsrfHeader, bool ShowFullNumber);
