using Microsoft.AspNetCore.Diagnostics;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Server.Hosting;

/// <summary>
/// Turns what a client's malformed request throws out of body or form reading — the server's body limit
/// (<see cref="BadHttpRequestException"/>, e.g. "Request body too large": 413) or a form the reader refuses
/// (<see cref="InvalidDataException"/>: 400) — into that 4xx with one warning line, instead of a 500 and a logged
/// stack trace. The webhook filters handle these themselves; this catches any other route. Everything else is
/// left to the default handling (500, logged with its stack trace, as a real fault should be).
/// </summary>
internal sealed class MalformedRequestExceptionHandler(ILogger<MalformedRequestExceptionHandler> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is not (BadHttpRequestException or InvalidDataException) || RequestBodyErrors.StatusFor(exception) is not { } status)
        {
            return ValueTask.FromResult(false);
        }

        // The message is the framework's (limits, framing); the path is left out because media URLs carry tokens.
        MalformedRequestExceptionHandlerLog.Malformed(logger, httpContext.GetEndpoint()?.DisplayName, httpContext.Connection.RemoteIpAddress?.ToString(), status, exception.Message);
        httpContext.Response.StatusCode = status;
        return ValueTask.FromResult(true);
    }
}
