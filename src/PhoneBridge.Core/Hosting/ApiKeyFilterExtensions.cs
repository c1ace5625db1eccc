using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Core.Hosting;

public static class ApiKeyFilterExtensions
{
    /// <summary>Requires <c>Authorization: Bearer {PhoneBridge:ApiKey}</c> (401 otherwise; failures count toward the per-address limit). Needs <c>AddPhoneBridgeHosting</c>.</summary>
    public static TBuilder RequirePhoneBridgeApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.LimitFailedAuth().AddEndpointFilter<TBuilder, ApiKeyFilter>().WithMetadata(ApiKeyRequiredMetadata.Instance);
    }
}
