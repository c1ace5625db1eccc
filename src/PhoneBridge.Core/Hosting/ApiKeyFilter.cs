using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Guards our own management endpoints with <c>Authorization: Bearer {PhoneBridge:ApiKey}</c>. Without a
/// configured key every request is refused, so the endpoints are closed by default. Refusals count toward the
/// per-address <see cref="FailedAuthLimiter"/>, which also decides which of them are logged.
/// </summary>
internal sealed class ApiKeyFilter(
    IOptionsMonitor<PhoneBridgeOptions> options,
    FailedAuthLimiter limiter,
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

        if (!Matches(http.Request.Headers.Authorization.ToString(), configured))
        {
            if (limiter.RecordFailure(remote, "wrong API key"))
            {
                ApiKeyFilterLog.Rejected(logger, http.GetEndpoint()?.DisplayName, remote?.ToString());
            }

            return ValueTask.FromResult<object?>(TypedResults.Unauthorized());
        }

        return next(context);
    }

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
