using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Core.Hosting;

public static class ApiKeyFilterExtensions
{
    /// <summary>Requires <c>Authorization: Bearer {PhoneBridge:ApiKey}</c> or a session standing in for it (<see cref="IApiKeySessions"/>; unsafe methods need its CSRF token, 403 otherwise); 401 without either (failures count toward the per-address limit). Needs <c>AddPhoneBridgeHosting</c>.</summary>
    public static TBuilder RequirePhoneBridgeApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.LimitFailedAuth().AddEndpointFilter<TBuilder, ApiKeyFilter>().WithMetadata(ApiKeyRequiredMetadata.Instance);
    }
}
