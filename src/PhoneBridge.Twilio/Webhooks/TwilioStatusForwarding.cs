using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// A verified Twilio call status for a call this instance does not hold goes to the other instances as the parsed
/// status; the one holding the call applies it (<see cref="TwilioCallStatus"/>). Twilio gets its 204 from the instance
/// it reached.
/// </summary>
internal static class TwilioStatusForwarding
{
    public const string Action = "twilio.status";

    /// <summary>Whether another instance held the call and took the status; false alone or when none did.</summary>
    public static async Task<bool> ForwardAsync(HttpContext http, string callSid, string status, string sequenceNumber, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var router = services.GetRequiredService<ICallRouter>();
        if (!router.IsClustered)
        {
            return false;
        }

        var arguments = JsonSerializer.SerializeToElement(new ForwardedTwilioStatus(status, sequenceNumber), ForwardedTwilioStatusJson.Default.ForwardedTwilioStatus);
        var command = new CallCommand(Action, callSid, arguments, services.GetRequiredService<PublicUrlResolver>().GetBaseUrl(http.Request));
        var replies = await router.SendToOthersAsync(command, cancellationToken).ConfigureAwait(false);
        return replies.Any(r => r.IsSuccess);
    }

    public static IServiceCollection AddTwilioStatusCommand(this IServiceCollection services) =>
        services.AddCallCommand(Action, (command, http) =>
        {
            var forwarded = command.Arguments is { } a ? a.Deserialize(ForwardedTwilioStatusJson.Default.ForwardedTwilioStatus) : null;
            var directory = http.RequestServices.GetService<CallDirectory>();
            if (forwarded is null || !TwilioCallStatus.IsKnown(forwarded.CallStatus) || directory is null
                || !directory.TryFindByProviderCallId(TwilioProvider.Name, command.Key, out var call))
            {
                return Task.FromResult<IResult>(TypedResults.NotFound());
            }

            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TwilioStatusEndpoint).FullName!);
            TwilioCallStatus.Apply(directory, http.RequestServices.GetRequiredService<ICallRegistry>(), call, forwarded.CallStatus, forwarded.SequenceNumber, logger);
            return Task.FromResult<IResult>(TypedResults.NoContent());
        });
}

/// <summary>The status another instance applies: Twilio's <c>CallStatus</c> and <c>SequenceNumber</c>.</summary>
internal sealed record ForwardedTwilioStatus(string CallStatus, string SequenceNumber);

[JsonSerializable(typeof(ForwardedTwilioStatus))]
internal sealed partial class ForwardedTwilioStatusJson : JsonSerializerContext;
