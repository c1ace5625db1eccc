using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Hosting;

public static class WebhookBodyLimitExtensions
{
    /// <summary>
    /// Limits the endpoint's request body to <c>PhoneBridge:Server:MaxWebhookBytes</c> before anything reads it
    /// (413 past it) and reads forms with tight limits (400 past them). For webhook and management routes, not
    /// media sockets. Needs <c>AddPhoneBridgeHosting</c>.
    /// </summary>
    public static TBuilder LimitWebhookBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            var options = endpoint.ApplicationServices.GetRequiredService<IOptions<WebhookLimitsOptions>>().Value;
            endpoint.Metadata.Add(new WebhookBodyLimitMetadata(options.MaxWebhookBytes));
        });
        return builder.AddEndpointFilter<TBuilder, WebhookBodyLimitFilter>();
    }
}
