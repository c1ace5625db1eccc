using Microsoft.AspNetCore.Builder;

namespace PhoneBridge.Core.Security;

public static class FailedAuthLimitExtensions
{
    /// <summary>
    /// Counts the endpoint's failed authentications per client address, and answers 429 to an address past
    /// <c>PhoneBridge:Security:MaxFailedAuthPerMinute</c> (with <see cref="UseFailedAuthLimit"/> in the pipeline).
    /// </summary>
    public static TBuilder LimitFailedAuth<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(FailedAuthLimitMetadata.Instance);
    }

    /// <summary>
    /// 429 for blocked addresses on endpoints marked with <see cref="LimitFailedAuth"/>, before their body is read.
    /// Goes after <c>UseForwardedHeaders</c>, so the address is the client's, not the proxy's.
    /// </summary>
    public static IApplicationBuilder UseFailedAuthLimit(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<FailedAuthLimitMiddleware>();
    }
}
