using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Core.Security;

/// <summary>
/// Answers 429 (with Retry-After) on protected endpoints for an address that has used up its failed
/// authentications. A middleware rather than an endpoint filter because minimal APIs bind the body before filters
/// run, and a blocked address must not get that far.
/// </summary>
internal sealed class FailedAuthLimitMiddleware(RequestDelegate next, FailedAuthLimiter limiter)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<FailedAuthLimitMetadata>() is null
            || !limiter.IsBlocked(context.Connection.RemoteIpAddress, out var retryAfter))
        {
            return next(context);
        }

        limiter.RecordBlocked(context.Connection.RemoteIpAddress);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }
}
