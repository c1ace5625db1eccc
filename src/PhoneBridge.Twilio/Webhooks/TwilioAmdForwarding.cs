using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// A verified Twilio AMD verdict for a call this instance does not hold goes to the other instances
/// (<see cref="TwilioCallbackForwarding"/>); the one holding the call's media records it.
/// </summary>
internal static class TwilioAmdForwarding
{
    public const string Action = "twilio.amd";

    /// <summary>Whether another instance held the call and took the verdict; false alone or when none did.</summary>
    public static Task<bool> ForwardAsync(HttpContext http, string callSid, string answeredBy, string duration, CancellationToken cancellationToken) =>
        TwilioCallbackForwarding.ForwardAsync(
            http, Action, callSid, new ForwardedTwilioAmd(answeredBy, duration), ForwardedTwilioAmdJson.Default.ForwardedTwilioAmd, cancellationToken);

    public static IServiceCollection AddTwilioAmdCommand(this IServiceCollection services) =>
        services.AddCallbackCommand(Action, ForwardedTwilioAmdJson.Default.ForwardedTwilioAmd, (http, directory, call, verdict) =>
        {
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TwilioAmdEndpoint).FullName!);
            TwilioAmdEndpoint.Record(directory, call, verdict.AnsweredBy, verdict.Duration, logger);
            return true;
        });
}

/// <summary>The verdict another instance records: Twilio's <c>AnsweredBy</c> and <c>MachineDetectionDuration</c>.</summary>
internal sealed record ForwardedTwilioAmd(string AnsweredBy, string Duration);

[JsonSerializable(typeof(ForwardedTwilioAmd))]
internal sealed partial class ForwardedTwilioAmdJson : JsonSerializerContext;
