using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Answers 413 to a request that declares a body over <c>PhoneBridge:Server:MaxWebhookBytes</c>, before anything
/// reads it. A body without a length (chunked) is stopped by the server limit from <see cref="WebhookBodyLimitMetadata"/>
/// as it grows; the filters that read bodies turn that into 413.
/// </summary>
internal sealed class WebhookBodyLimitFilter(
    IOptions<WebhookLimitsOptions> options,
    FailedAuthLimiter limiter,
    ILogger<WebhookBodyLimitFilter> logger) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var max = options.Value.MaxWebhookBytes;
        if (http.Request.ContentLength is { } length && length > max)
        {
            var remote = http.Connection.RemoteIpAddress;
            if (limiter.RecordFailure(remote, "body too large"))
            {
                WebhookBodyLimitFilterLog.BodyTooLarge(logger, http.GetEndpoint()?.DisplayName, remote?.ToString(), length, max);
            }

            return ValueTask.FromResult<object?>(TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }

        return next(context);
    }
}
