using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>
/// Reads the raw body and verifies the Ed25519 signature before the handler runs; anything unverified gets a
/// 403 and is not acted on. The handler reads the verified bytes from <see cref="TelnyxVerifiedWebhook"/>.
/// </summary>
internal sealed partial class TelnyxWebhookFilter(TelnyxSignatureVerifier verifier, ILogger<TelnyxWebhookFilter> logger)
    : IEndpointFilter
{
    /// <summary>Call Control webhooks are a few kilobytes; anything far larger is not one.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var body = await ReadBodyAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            Log.TooLarge(logger, MaxBodyBytes);
            return TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var result = verifier.Verify(
            http.Request.Headers[TelnyxSignatureVerifier.TimestampHeader].ToString(),
            http.Request.Headers[TelnyxSignatureVerifier.SignatureHeader].ToString(),
            body);
        if (result != TelnyxSignatureResult.Valid)
        {
            Log.Rejected(logger, result);
            return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
        }

        http.Features.Set(new TelnyxVerifiedWebhook(body));
        return await next(context).ConfigureAwait(false);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
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
                    if (buffer.Length >= MaxBodyBytes + 1)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBodyBytes + 1));
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
                if (length > MaxBodyBytes)
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Telnyx webhook rejected: {Reason}")]
        public static partial void Rejected(ILogger logger, TelnyxSignatureResult reason);

        [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Telnyx webhook rejected: body larger than {MaxBytes} bytes")]
        public static partial void TooLarge(ILogger logger, int maxBytes);
    }
}
