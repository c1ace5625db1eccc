using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Core.Hosting;

public static class ApiKeyFilterExtensions
{
    /// <summary>Requires <c>Authorization: Bearer {PhoneBridge:ApiKey}</c> (401 otherwise). Needs <c>AddPhoneBridgeHosting</c>.</summary>
    public static TBuilder RequirePhoneBridgeApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter<TBuilder, ApiKeyFilter>().WithMetadata(ApiKeyRequiredMetadata.Instance);
    }
}
