using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Cluster;

/// <summary>
/// Sends a request about a call this instance does not hold to the instance that does, and answers with that
/// instance's answer. Runs after authentication (its filters come first), so only the checked command travels. A call
/// held here, or one nobody owns, is answered here as before; one process alone never forwards.
/// </summary>
internal sealed class OwnerForwardingFilter(string action, OwnerForwarding forwarding) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var router = services.GetRequiredService<ICallRouter>();
        if (!router.IsClustered || forwarding.Key(http) is not { Length: > 0 } key || forwarding.IsHeldHere(http, key))
        {
            return await next(context).ConfigureAwait(false);
        }

        var ct = http.RequestAborted;
        string? owner = null;
        if (forwarding.ByOwner && !CallIds.IsValidCallId(key))
        {
            return await next(context).ConfigureAwait(false);
        }

        if (forwarding.ByOwner)
        {
            var ownership = services.GetRequiredService<ICallOwnership>();
            try
            {
                owner = await ownership.FindOwnerAsync(key, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // The shared registry cannot be asked: the call may be live elsewhere, so not a 404.
                ClusterLog.OwnerLookupFailed(services.GetRequiredService<ILogger<OwnerForwardingFilter>>(), action, key, e.GetType().Name);
                return new ForwardedResult(CallCommandReplies.Problem(StatusCodes.Status503ServiceUnavailable, "Owner unknown",
                    "The shared call registry could not be reached to find the instance that holds this call. Try again shortly."));
            }

            if (owner is null || owner == ownership.InstanceId)
            {
                return await next(context).ConfigureAwait(false);
            }
        }

        var command = new CallCommand(
            action, key, forwarding.WithBody ? await ReadArgumentsAsync(http.Request, ct).ConfigureAwait(false) : null,
            services.GetRequiredService<PublicUrlResolver>().GetBaseUrl(http.Request));
        if (owner is not null)
        {
            return new ForwardedResult(await router.SendAsync(owner, command, ct).ConfigureAwait(false));
        }

        // Nobody can be named: the first instance that acted answers; none did, so this one answers (a 404).
        var replies = await router.SendToOthersAsync(command, ct).ConfigureAwait(false);
        var acted = replies.FirstOrDefault(r => r.IsSuccess);
        return acted is not null ? new ForwardedResult(acted) : await next(context).ConfigureAwait(false);
    }

    /// <summary>The body as parsed JSON; null when it is not JSON, which the owner refuses as it would here.</summary>
    private static async Task<JsonElement?> ReadArgumentsAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// What <see cref="OwnerForwardingFilter"/> needs to know of an endpoint: the key its action names, whether this
/// instance holds it, whether its owner can be looked up (a call id) or every instance is asked, and whether the
/// request's JSON body is part of the command.
/// </summary>
public sealed record OwnerForwarding(
    Func<HttpContext, string?> Key, Func<HttpContext, string, bool> IsHeldHere, bool ByOwner, bool WithBody);
