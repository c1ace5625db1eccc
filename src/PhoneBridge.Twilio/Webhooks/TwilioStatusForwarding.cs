using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// A verified Twilio call status for a call this instance does not hold goes to the other instances
/// (<see cref="TwilioCallbackForwarding"/>); the one holding the call applies it (<see cref="TwilioCallStatus"/>).
/// </summary>
internal static class TwilioStatusForwarding
{
    public const string Action = "twilio.status";

    /// <summary>Whether another instance held the call and took the status; false alone or when none did.</summary>
    public static Task<bool> ForwardAsync(HttpContext http, string callSid, string status, string sequenceNumber, CancellationToken cancellationToken) =>
        TwilioCallbackForwarding.ForwardAsync(
            http, Action, callSid, new ForwardedTwilioStatus(status, sequenceNumber), ForwardedTwilioStatusJson.Default.ForwardedTwilioStatus, cancellationToken);

    public static IServiceCollection AddTwilioStatusCommand(this IServiceCollection services) =>
        services.AddCallbackCommand(Action, ForwardedTwilioStatusJson.Default.ForwardedTwilioStatus, (http, directory, call, forwarded) =>
        {
            if (!TwilioCallStatus.IsKnown(forwarded.CallStatus))
            {
                return false;
            }

            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TwilioStatusEndpoint).FullName!);
            TwilioCallStatus.Apply(directory, http.RequestServices.GetRequiredService<ICallRegistry>(), call, forwarded.CallStatus, forwarded.SequenceNumber, logger);
            return true;
        });
}

/// <summary>The status another instance applies: Twilio's <c>CallStatus</c> and <c>SequenceNumber</c>.</summary>
internal sealed record ForwardedTwilioStatus(string CallStatus, string SequenceNumber);

[JsonSerializable(typeof(ForwardedTwilioStatus))]
internal sealed partial class ForwardedTwilioStatusJson : JsonSerializerContext;
