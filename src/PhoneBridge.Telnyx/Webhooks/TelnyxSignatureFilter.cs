using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Security;
using PhoneBridge.Core.Telemetry;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>
/// Reads the raw body and verifies the Ed25519 signature before the handler runs; anything unverified gets a
/// 403 and is not acted on. The handler reads the verified bytes from <see cref="TelnyxVerifiedWebhook"/>.
/// Call Control webhooks are a few kilobytes: a body over <c>PhoneBridge:Server:MaxWebhookBytes</c> is a 413, one
/// that breaks off a 400. Every rejection counts toward the per-address <see cref="FailedAuthLimiter"/>, which
/// also decides which are logged.
/// </summary>
internal sealed class TelnyxSignatureFilter(
    TelnyxSignatureVerifier verifier,
    IOptions<WebhookLimitsOptions> limits,
    FailedAuthLimiter limiter,
    ILogger<TelnyxSignatureFilter> logger,
    WebhookMetrics? metrics = null)
    : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var remote = http.Connection.RemoteIpAddress;
        var maxBytes = limits.Value.MaxWebhookBytes;
        byte[]? body;
        try
        {
            body = await ReadBodyAsync(http.Request, maxBytes, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (RequestBodyErrors.StatusFor(e) is { } status)
        {
            if (status == StatusCodes.Status413PayloadTooLarge)
            {
                body = null;
            }
            else
            {
                if (limiter.RecordFailure(remote, "Telnyx body unreadable"))
                {
                    TelnyxSignatureFilterLog.Unreadable(logger, remote?.ToString(), status);
                }

                return TypedResults.StatusCode(status);
            }
        }

        if (body is null)
        {
            if (limiter.RecordFailure(remote, "Telnyx body too large"))
            {
                TelnyxSignatureFilterLog.TooLarge(logger, maxBytes);
            }

            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var result = verifier.Verify(
            http.Request.Headers[TelnyxSignatureVerifier.TimestampHeader].ToString(),
            http.Request.Headers[TelnyxSignatureVerifier.SignatureHeader].ToString(),
            body);
        if (result != TelnyxSignatureResult.Valid)
        {
            metrics?.Rejected(result == TelnyxSignatureResult.TimestampOutOfTolerance ? WebhookRejection.Expired : WebhookRejection.Signature);
            if (limiter.RecordFailure(remote, "Telnyx signature " + result))
            {
                TelnyxSignatureFilterLog.Rejected(logger, result);
            }

            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        http.Features.Set(new TelnyxVerifiedWebhook(body));
        return await next(context).ConfigureAwait(false);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= maxBytes + 1)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
