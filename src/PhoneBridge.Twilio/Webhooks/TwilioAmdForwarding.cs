using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// A verified Twilio AMD verdict for a call this instance does not hold goes to the other instances as the parsed
/// verdict; the one holding the call's media records it. Twilio gets its 204 from the instance it reached.
/// </summary>
internal static class TwilioAmdForwarding
{
    public const string Action = "twilio.amd";

    /// <summary>Whether another instance held the call and took the verdict; false alone or when none did.</summary>
    public static async Task<bool> ForwardAsync(HttpContext http, string callSid, string answeredBy, string duration, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var router = services.GetRequiredService<ICallRouter>();
        if (!router.IsClustered)
        {
            return false;
        }

        var arguments = JsonSerializer.SerializeToElement(new ForwardedTwilioAmd(answeredBy, duration), ForwardedTwilioAmdJson.Default.ForwardedTwilioAmd);
        var command = new CallCommand(Action, callSid, arguments, services.GetRequiredService<PublicUrlResolver>().GetBaseUrl(http.Request));
        var replies = await router.SendToOthersAsync(command, cancellationToken).ConfigureAwait(false);
        return replies.Any(r => r.IsSuccess);
    }

    public static IServiceCollection AddTwilioAmdCommand(this IServiceCollection services) =>
        services.AddCallCommand(Action, (command, http) =>
        {
            var verdict = command.Arguments is { } a ? a.Deserialize(ForwardedTwilioAmdJson.Default.ForwardedTwilioAmd) : null;
            var directory = http.RequestServices.GetService<CallDirectory>();
            if (verdict is null || directory is null || !directory.TryFindByProviderCallId(TwilioProvider.Name, command.Key, out var call))
            {
                return Task.FromResult<IResult>(TypedResults.NotFound());
            }

            var amd = CallAmd.Of(TwilioAmdEndpoint.MapAnsweredBy(verdict.AnsweredBy), verdict.AnsweredBy);
            if (directory.ReportAmd(call, amd))
            {
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TwilioAmdEndpoint).FullName!);
                TwilioAmdEndpointLog.AmdResult(logger, call.CallId, amd.Result, amd.ProviderResult, verdict.Duration);
            }

            return Task.FromResult<IResult>(TypedResults.NoContent());
        });
}

/// <summary>The verdict another instance records: Twilio's <c>AnsweredBy</c> and <c>MachineDetectionDuration</c>.</summary>
internal sealed record ForwardedTwilioAmd(string AnsweredBy, string Duration);

[JsonSerializable(typeof(ForwardedTwilioAmd))]
internal sealed partial class ForwardedTwilioAmdJson : JsonSerializerContext;
