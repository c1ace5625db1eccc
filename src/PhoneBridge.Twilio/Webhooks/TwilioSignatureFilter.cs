using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Security;
using PhoneBridge.Core.Telemetry;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// Lets a request through only when its <c>X-Twilio-Signature</c> matches; otherwise 403, logged once, and the
/// handler never runs. Form posts sign their parameters, JSON posts sign <c>bodySHA256</c>, WebSocket upgrades
/// sign the <c>wss://</c> URL (the trailing-slash variant Twilio's docs mention is accepted too). A body that
/// cannot be read (over the limit, malformed form) is a 413 or 400 instead. Every rejection counts toward the
/// per-address <see cref="FailedAuthLimiter"/>, which also decides which are logged.
/// </summary>
internal sealed class TwilioSignatureFilter(
    IOptionsMonitor<TwilioOptions> options,
    IOptions<WebhookLimitsOptions> limits,
    PublicUrlResolver urls,
    FailedAuthLimiter limiter,
    MediaSignatureAlarm mediaAlarm,
    ILogger<TwilioSignatureFilter> logger,
    WebhookMetrics? metrics = null) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var upgrade = IsWebSocketUpgrade(http.Request);
        if (upgrade && !options.CurrentValue.ValidateMediaSignature)
        {
            // Twilio:ValidateMediaSignature=false: the one-time token in the media URL alone authenticates the socket.
            return await next(context).ConfigureAwait(false);
        }

        SignatureFailure? failure;
        try
        {
            failure = await VerifyAsync(http.Request).ConfigureAwait(false);
        }
        catch (Exception e) when (RequestBodyErrors.StatusFor(e) is { } status)
        {
            failure = status == StatusCodes.Status413PayloadTooLarge ? SignatureFailure.BodyTooLarge : SignatureFailure.MalformedBody;
        }

        if (failure is { } reason)
        {
            if (upgrade)
            {
                mediaAlarm.Raise(reason);
            }

            if (reason is SignatureFailure.Missing or SignatureFailure.Invalid or SignatureFailure.NotConfigured)
            {
                metrics?.Rejected(WebhookRejection.Signature);
            }

            var remote = http.Connection.RemoteIpAddress;
            if (limiter.RecordFailure(remote, ReasonText(reason)))
            {
                TwilioSignatureFilterLog.SignatureRejected(logger, http.GetEndpoint()?.DisplayName, remote?.ToString(), reason);
            }

            return TypedResults.StatusCode(reason switch
            {
                SignatureFailure.BodyTooLarge => StatusCodes.Status413PayloadTooLarge,
                SignatureFailure.MalformedBody or SignatureFailure.UnreadableBody => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status403Forbidden,
            });
        }

        return await next(context).ConfigureAwait(false);
    }

    private async Task<SignatureFailure?> VerifyAsync(HttpRequest request)
    {
        var token = options.CurrentValue.AuthToken;
        if (string.IsNullOrEmpty(token))
        {
            return SignatureFailure.NotConfigured;
        }

        var signature = request.Headers[TwilioRequestValidator.SignatureHeader].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            return SignatureFailure.Missing;
        }

        var validator = new TwilioRequestValidator(token);
        var url = urls.GetRequestUrl(request);
        bool valid;
        if (IsWebSocketUpgrade(request))
        {
            var wsUrl = PublicUrlResolver.ToWebSocketUrl(url);
            valid = validator.Validate(wsUrl, null, signature) | validator.Validate(WithTrailingSlash(wsUrl), null, signature);
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            valid = validator.Validate(url, form, signature);
        }
        else if (request.HasJsonContentType())
        {
            var body = await ReadBodyAsync(request).ConfigureAwait(false);
            if (body is null)
            {
                return SignatureFailure.BodyTooLarge;
            }

            valid = validator.ValidateJsonBody(url, body, signature);
        }
        else
        {
            valid = validator.Validate(url, null, signature);
        }

        return valid ? null : SignatureFailure.Invalid;
    }

    private static string ReasonText(SignatureFailure reason) => reason switch
    {
        SignatureFailure.Missing => "Twilio signature missing",
        SignatureFailure.Invalid => "Twilio signature invalid",
        SignatureFailure.NotConfigured => "Twilio auth token not configured",
        SignatureFailure.BodyTooLarge => "Twilio body too large",
        _ => "Twilio body malformed",
    };

    private static bool IsWebSocketUpgrade(HttpRequest request) =>
        request.HttpContext.WebSockets.IsWebSocketRequest
        || request.Headers.ContainsKey("Sec-WebSocket-Version")
        || HttpMethods.IsConnect(request.Method);

    private static string WithTrailingSlash(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? url : url[..query];
        if (path.EndsWith('/'))
        {
            return url;
        }

        return query < 0 ? url + "/" : string.Concat(path, "/", url.AsSpan(query));
    }

    /// <summary>Buffers the body so the handler can read it again; null when it is too large.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        var maxBytes = limits.Value.MaxWebhookBytes;
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        request.EnableBuffering(maxBytes);
        using var copy = new MemoryStream();
        try
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (copy.Length + read > maxBytes)
                {
                    return null;
                }

                copy.Write(buffer, 0, read);
            }
        }
        finally
        {
            request.Body.Position = 0;
        }

        return copy.ToArray();
    }
}
