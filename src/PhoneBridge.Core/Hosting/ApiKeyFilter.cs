using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Guards our own management endpoints with <c>Authorization: Bearer {PhoneBridge:ApiKey}</c>, or a session that
/// stands in for it (<see cref="IApiKeySessions"/>: the dashboard's login cookie, which must bring its CSRF token on
/// POST, PUT, PATCH and DELETE; 403 otherwise). Without a configured key every request is refused, so the endpoints
/// are closed by default. Refusals count toward the per-address <see cref="FailedAuthLimiter"/>, which also decides
/// which of them are logged.
/// </summary>
internal sealed class ApiKeyFilter(
    IOptionsMonitor<PhoneBridgeOptions> options,
    FailedAuthLimiter limiter,
    IEnumerable<IApiKeySessions> sessions,
    ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var configured = options.CurrentValue.ApiKey;
        var remote = http.Connection.RemoteIpAddress;
        if (string.IsNullOrEmpty(configured))
        {
            if (limiter.RecordFailure(remote, "API key not configured"))
            {
                ApiKeyFilterLog.NoKeyConfigured(logger, http.GetEndpoint()?.DisplayName);
            }

            return ValueTask.FromResult<object?>(TypedResults.Unauthorized());
        }

        if (Matches(http.Request.Headers.Authorization.ToString(), configured))
        {
            return next(context);
        }

        var unsafeMethod = IsUnsafe(http.Request.Method);
        foreach (var session in sessions)
        {
            switch (session.Check(http, unsafeMethod))
            {
                case ApiKeySessionCheck.Valid:
                    return next(context);
                case ApiKeySessionCheck.CsrfRefused:
                    if (limiter.RecordFailure(remote, "missing or wrong CSRF token"))
                    {
                        ApiKeyFilterLog.CsrfRefused(logger, http.GetEndpoint()?.DisplayName, remote?.ToString());
                    }

                    return ValueTask.FromResult<object?>(TypedResults.Problem(
                        title: "Forbidden",
                        detail: "A session request that changes something needs the session's X-PhoneBridge-Csrf header.",
                        statusCode: StatusCodes.Status403Forbidden));
            }
        }

        if (limiter.RecordFailure(remote, "wrong API key"))
        {
            ApiKeyFilterLog.Rejected(logger, http.GetEndpoint()?.DisplayName, remote?.ToString());
        }

        return ValueTask.FromResult<object?>(TypedResults.Unauthorized());
    }

    internal static bool IsUnsafe(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    internal static bool Matches(string authorization, string configured)
    {
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing first makes the comparison independent of both lengths.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization.AsSpan(scheme.Length).Trim().ToString()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
