using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// Turns the API-key filter's bare 401 into problem details, so every error of <c>/calls</c> is RFC 7807. Sits
/// outside <see cref="Hosting.ApiKeyFilterExtensions.RequirePhoneBridgeApiKey{TBuilder}"/>, which stays as the
/// older endpoints know it.
/// </summary>
internal sealed class UnauthorizedProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context).ConfigureAwait(false);
        return result is UnauthorizedHttpResult
            ? TypedResults.Problem(
                title: "Unauthorized",
                detail: "Send Authorization: Bearer {PhoneBridge:ApiKey}; without a configured key these endpoints are closed.",
                statusCode: StatusCodes.Status401Unauthorized)
            : result;
    }
}
