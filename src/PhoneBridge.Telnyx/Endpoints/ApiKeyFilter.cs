using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Telnyx.Endpoints;

/// <summary>
/// Bearer check against <c>PhoneBridge:ApiKey</c> for the call-control endpoints. Without a configured key
/// nothing is allowed: placing calls costs money.
/// </summary>
internal sealed partial class ApiKeyFilter(IOptionsMonitor<PhoneBridgeOptions> options, ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var expected = options.CurrentValue.ApiKey;
        if (string.IsNullOrEmpty(expected))
        {
            Log.NoApiKey(logger);
            return TypedResults.Unauthorized();
        }

        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            || !CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim())),
                SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            Log.BadApiKey(logger);
            return TypedResults.Unauthorized();
        }

        return await next(context).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Telnyx call API refused: PhoneBridge:ApiKey is not configured")]
        public static partial void NoApiKey(ILogger logger);

        [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Telnyx call API refused: missing or wrong API key")]
        public static partial void BadApiKey(ILogger logger);
    }
}
