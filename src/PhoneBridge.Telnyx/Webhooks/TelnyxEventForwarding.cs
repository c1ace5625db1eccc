using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>
/// Telnyx events about a call held by another instance (its media socket is there): the hangup and the
/// answering-machine verdicts. The instance the webhook reached verifies and parses it, acts on what it knows itself
/// (its tracker of the calls it answered), and hands the parsed event to the other instances; the one holding the call
/// ends it or records the verdict. Telnyx gets its answer from the receiving instance as before.
/// </summary>
internal static class TelnyxEventForwarding
{
    public const string Action = "telnyx.event";

    /// <summary>Whether an event of this type is about a live call's media and so must reach the instance holding it.</summary>
    public static bool IsAboutHeldCall(string eventType) => eventType is TelnyxWebhookEvent.CallHangup
        or TelnyxWebhookEvent.MachineDetectionEnded or TelnyxWebhookEvent.MachinePremiumDetectionEnded
        or TelnyxWebhookEvent.MachineGreetingEnded or TelnyxWebhookEvent.MachinePremiumGreetingEnded;

    /// <summary>
    /// After the processor ran: a hangup of a call held here but answered by another instance ends it here, and goes to
    /// the other instances too (the one that answered forgets it); a verdict about a call not held here goes to them.
    /// </summary>
    public static async Task ForwardIfElsewhereAsync(
        HttpContext http, TelnyxWebhookEvent webhook, TelnyxWebhookOutcome outcome, CancellationToken cancellationToken)
    {
        if (webhook.CallControlId is not { Length: > 0 } controlId || !IsAboutHeldCall(webhook.EventType))
        {
            return;
        }

        var services = http.RequestServices;
        var router = services.GetRequiredService<ICallRouter>();
        if (!router.IsClustered)
        {
            return;
        }

        var isHangup = webhook.EventType == TelnyxWebhookEvent.CallHangup;
        var endedHere = outcome != TelnyxWebhookOutcome.Handled && EndHere(services, webhook);
        if (!isHangup && (outcome == TelnyxWebhookOutcome.Handled || IsHeldHere(services, controlId)))
        {
            return;
        }

        // A hangup always goes on: the instance that answered the call forgets it, the one holding its media ends it.
        // No event id: this event was de-duplicated where it arrived, and the others must act on it.
        var arguments = JsonSerializer.SerializeToElement(
            new ForwardedTelnyxEvent(webhook.EventType, webhook.HangupCause, webhook.Result), ForwardedTelnyxEventJson.Default.ForwardedTelnyxEvent);
        var command = new CallCommand(Action, controlId, arguments, services.GetRequiredService<PublicUrlResolver>().GetBaseUrl(http.Request));
        var replies = await router.SendToOthersAsync(command, cancellationToken).ConfigureAwait(false);
        if (!endedHere && !replies.Any(r => r.IsSuccess))
        {
            TelnyxEventForwardingLog.NotHeldAnywhere(LoggerOf(services), webhook.EventType, controlId, replies.Count);
        }
    }

    public static IServiceCollection AddTelnyxEventCommand(this IServiceCollection services) =>
        services.AddCallCommand(Action, async (command, http) =>
        {
            var forwarded = command.Arguments is { } a ? a.Deserialize(ForwardedTelnyxEventJson.Default.ForwardedTelnyxEvent) : null;
            if (forwarded is null || string.IsNullOrEmpty(forwarded.EventType))
            {
                return TypedResults.BadRequest();
            }

            var webhook = new TelnyxWebhookEvent(
                forwarded.EventType, Id: null, command.Key, Direction: null, From: null, To: null, State: null,
                forwarded.HangupCause, FailureReason: null, forwarded.Result);
            var services = http.RequestServices;
            var held = IsHeldHere(services, command.Key);
            var outcome = await services.GetRequiredService<TelnyxEventProcessor>().HandleAsync(
                webhook, TelnyxMediaUrl.PublicWebSocketBase(services.GetRequiredService<PublicUrlResolver>(), http.Request), http.RequestAborted)
                .ConfigureAwait(false);
            var acted = outcome == TelnyxWebhookOutcome.Handled || EndHere(services, webhook);
            return held && acted ? TypedResults.NoContent() : (IResult)TypedResults.NotFound();
        });

    /// <summary>Ends a hung-up call held here that this instance's tracker does not know (another instance answered it).</summary>
    private static bool EndHere(IServiceProvider services, TelnyxWebhookEvent webhook)
    {
        if (webhook.EventType != TelnyxWebhookEvent.CallHangup
            || services.GetService<CallDirectory>() is not { } directory
            || !directory.TryFindByProviderCallId(TelnyxProvider.Name, webhook.CallControlId!, out var call))
        {
            return false;
        }

        services.GetRequiredService<ICallRegistry>().Release(call.CallId);
        TelnyxEventForwardingLog.EndedHere(LoggerOf(services), call.CallId, webhook.CallControlId!, webhook.HangupCause ?? "unknown");
        return true;
    }

    private static bool IsHeldHere(IServiceProvider services, string controlId) =>
        services.GetService<CallDirectory>() is { } directory && directory.TryFindByProviderCallId(TelnyxProvider.Name, controlId, out _);

    private static ILogger LoggerOf(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TelnyxEventForwarding).FullName!);
}

/// <summary>The parts of a Telnyx event another instance acts on; never a phone number.</summary>
internal sealed record ForwardedTelnyxEvent(string EventType, string? HangupCause, string? Result);

[System.Text.Json.Serialization.JsonSerializable(typeof(ForwardedTelnyxEvent))]
internal sealed partial class ForwardedTelnyxEventJson : System.Text.Json.Serialization.JsonSerializerContext;
