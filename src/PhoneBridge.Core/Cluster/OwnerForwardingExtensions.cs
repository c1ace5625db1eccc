using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Core.Cluster;

public static class OwnerForwardingExtensions
{
    /// <summary>
    /// Requests this endpoint receives for a call another instance owns are run there as <paramref name="action"/>
    /// (see <see cref="OwnerForwardingFilter"/>); the action's <see cref="CallCommandHandler"/> must be registered.
    /// Add it after the authentication filters.
    /// </summary>
    public static TBuilder ForwardToOwner<TBuilder>(this TBuilder builder, string action, OwnerForwarding forwarding)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentNullException.ThrowIfNull(forwarding);
        return builder.AddEndpointFilter(new OwnerForwardingFilter(action, forwarding));
    }
}
