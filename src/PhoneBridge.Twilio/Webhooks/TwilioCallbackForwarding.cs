using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// A verified Twilio callback (AMD verdict, call status) about a call this instance does not hold goes to the other
/// instances as the parsed callback; the one holding the call's media, found by its CallSid, applies it. Twilio gets
/// its 204 from the instance it reached.
/// </summary>
internal static class TwilioCallbackForwarding
{
    /// <summary>Whether another instance held the call and took the callback; false alone or when none did.</summary>
    public static async Task<bool> ForwardAsync<T>(
        HttpContext http, string action, string callSid, T callback, JsonTypeInfo<T> json, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var router = services.GetRequiredService<ICallRouter>();
        if (!router.IsClustered)
        {
            return false;
        }

        var arguments = JsonSerializer.SerializeToElement(callback, json);
        var command = new CallCommand(action, callSid, arguments, services.GetRequiredService<PublicUrlResolver>().GetBaseUrl(http.Request));
        var replies = await router.SendToOthersAsync(command, cancellationToken).ConfigureAwait(false);
        return replies.Any(r => r.IsSuccess);
    }

    /// <summary>
    /// The holder's side of <paramref name="action"/>: 204 once <paramref name="apply"/> took the callback for the call
    /// with that CallSid here; 404 when this instance holds no such call or the callback is not one it takes.
    /// </summary>
    public static IServiceCollection AddCallbackCommand<T>(
        this IServiceCollection services, string action, JsonTypeInfo<T> json, Func<HttpContext, CallDirectory, LiveCall, T, bool> apply)
        where T : class =>
        services.AddCallCommand(action, (command, http) =>
        {
            var callback = command.Arguments is { } a ? a.Deserialize(json) : null;
            var directory = http.RequestServices.GetService<CallDirectory>();
            var taken = callback is not null && directory is not null
                && directory.TryFindByProviderCallId(TwilioProvider.Name, command.Key, out var call)
                && apply(http, directory, call, callback);
            return Task.FromResult<IResult>(taken ? TypedResults.NoContent() : TypedResults.NotFound());
        });
}
