using Microsoft.AspNetCore.Builder;

namespace PhoneBridge.Core.Hosting;

public static class RequestBodyDescriptionExtensions
{
    /// <summary>Describes the request body as <typeparamref name="TBody"/> in <paramref name="contentType"/> (API description only).</summary>
    public static RouteHandlerBuilder DescribeRequestBody<TBody>(this RouteHandlerBuilder builder, string contentType)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new RequestBodyDescriptionMetadata(typeof(TBody), contentType));
    }
}
