using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.Rest;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>
/// Acts on verified Call Control webhooks. Telnyx may deliver an event twice, concurrently or out of order,
/// so every decision is keyed (event id, call_control_id) in a bounded expiring memory and only cheap work
/// happens here; REST commands go to the background queue. Answering-machine detection verdicts go to the call in
/// <paramref name="directory"/> (its <c>amd</c> and a <c>phone.amd</c> event), when the host lists its calls. A new
/// incoming call passes <paramref name="admission"/> first: refused as busy it is rejected (<c>USER_BUSY</c>) and never
/// registered; while draining the webhook is answered 503, so Telnyx retries it or tries the failover URL. Every
/// other event, for calls already here, is processed while draining.
/// With a <paramref name="shared"/> memory (several instances) a key one instance has seen is a duplicate on every other; the
/// local memory answers first, and alone when the shared one fails.
/// </summary>
internal sealed class TelnyxEventProcessor(
    ICallRegistry registry,
    TelnyxCallTracker tracker,
    TelnyxCommandQueue commands,
    IOptions<TelnyxOptions> options,
    TimeProvider timeProvider,
    ILogger<TelnyxEventProcessor> logger,
    CallDirectory? directory = null,
    CallAdmission? admission = null,
    IWebhookDeduplication? shared = null)
{
    public const int SeenCapacity = 8192;

    /// <summary>Longer than Telnyx keeps retrying a webhook, so a late duplicate is still recognised.</summary>
    public static readonly TimeSpan SeenLifetime = TimeSpan.FromMinutes(30);

    private readonly ExpiringKeySet _seen = new(SeenCapacity, SeenLifetime, timeProvider);

    public async ValueTask<TelnyxWebhookOutcome> HandleAsync(TelnyxWebhookEvent webhook, Uri publicWebSocketBase, CancellationToken cancellationToken)
    {
        var eventKey = webhook.Id is { Length: > 0 } id ? "event:" + id : null;
        if (eventKey is not null && !await TryAddSeenAsync(eventKey, cancellationToken).ConfigureAwait(false))
        {
            TelnyxEventProcessorLog.DuplicateEvent(logger, webhook.EventType, webhook.CallControlId);
            return TelnyxWebhookOutcome.Duplicate;
        }

        var outcome = webhook.EventType switch
        {
            TelnyxWebhookEvent.CallInitiated => await OnInitiatedAsync(webhook, publicWebSocketBase, cancellationToken).ConfigureAwait(false),
            TelnyxWebhookEvent.CallAnswered => OnAnswered(webhook),
            TelnyxWebhookEvent.CallHangup => await OnHangupAsync(webhook, cancellationToken).ConfigureAwait(false),
            TelnyxWebhookEvent.StreamingStarted => OnStreaming(webhook, TelnyxStreamingState.Started),
            TelnyxWebhookEvent.StreamingStopped => OnStreaming(webhook, TelnyxStreamingState.Stopped),
            TelnyxWebhookEvent.StreamingFailed => OnStreamingFailed(webhook),
            TelnyxWebhookEvent.MachineDetectionEnded or TelnyxWebhookEvent.MachinePremiumDetectionEnded
                or TelnyxWebhookEvent.MachineGreetingEnded or TelnyxWebhookEvent.MachinePremiumGreetingEnded => OnMachineDetection(webhook),
            _ => TelnyxWebhookOutcome.Ignored,
        };

        if (outcome is TelnyxWebhookOutcome.Busy or TelnyxWebhookOutcome.Draining && eventKey is not null)
        {
            await RemoveSeenAsync(eventKey).ConfigureAwait(false);
        }

        return outcome;
    }

    private async ValueTask<TelnyxWebhookOutcome> OnInitiatedAsync(TelnyxWebhookEvent webhook, Uri publicWebSocketBase, CancellationToken cancellationToken)
    {
        if (!webhook.IsIncoming || string.IsNullOrEmpty(webhook.CallControlId))
        {
            // Our own dials report call.initiated too; they are already registered and tracked.
            return TelnyxWebhookOutcome.Ignored;
        }

        var controlId = webhook.CallControlId;
        if (await ContainsSeenAsync("ended:" + controlId, cancellationToken).ConfigureAwait(false))
        {
            TelnyxEventProcessorLog.InitiatedAfterHangup(logger, controlId);
            return TelnyxWebhookOutcome.Ignored;
        }

        var initiatedKey = "initiated:" + controlId;
        if (!await TryAddSeenAsync(initiatedKey, cancellationToken).ConfigureAwait(false))
        {
            TelnyxEventProcessorLog.DuplicateEvent(logger, webhook.EventType, controlId);
            return TelnyxWebhookOutcome.Duplicate;
        }

        // The admission slot is held until the call is registered (the end of this method); no admission, no limit.
        using var admitted = admission?.Admit(TelnyxProvider.Name) ?? default;
        switch (admitted.Verdict)
        {
            case AdmissionVerdict.Draining:
                _seen.Remove(initiatedKey);
                return TelnyxWebhookOutcome.Draining;
            case AdmissionVerdict.TooManyCalls or AdmissionVerdict.CpuTooHigh:
                if (!commands.TryEnqueue(new TelnyxRejectWork(controlId, NewCommandId(), TelnyxCallControlClient.RejectCauseUserBusy)))
                {
                    _seen.Remove(initiatedKey);
                    TelnyxEventProcessorLog.QueueFull(logger, controlId);
                    return TelnyxWebhookOutcome.Busy;
                }

                return TelnyxWebhookOutcome.Handled;
        }

        // Known before the answer, so the edge call is joined while Telnyx answers and opens the media socket.
        var codec = TelnyxStreamSettings.AnswerCodec(options.Value.Codec);
        CallRegistration registration;
        try
        {
            registration = await registry.RegisterAsync(
                new CallRegistrationRequest(
                    TelnyxProvider.Name, controlId, webhook.From, webhook.To, ExpectedSampleRate: TelnyxStreamSettings.SampleRateOf(codec),
                    CustomParameters: TelnyxClientState.Decode(webhook.ClientState),
                    StirVerstat: TelnyxClientState.StirVerstat(webhook.ShakenStirAttestation, webhook.ShakenStirValidated)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (CallRegistryUnavailableException)
        {
            // The shared registry logged it; 503 makes Telnyx retry the webhook.
            await RemoveSeenAsync(initiatedKey).ConfigureAwait(false);
            return TelnyxWebhookOutcome.Busy;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            await RemoveSeenAsync(initiatedKey).ConfigureAwait(false);
            TelnyxEventProcessorLog.RegistrationRefused(logger, controlId, e.Message);
            return TelnyxWebhookOutcome.Busy;
        }

        if (!tracker.TryAdd(controlId, registration.CallId, outbound: false, out _))
        {
            registry.Release(registration.CallId);
            return TelnyxWebhookOutcome.Duplicate;
        }

        if (codec != options.Value.Codec)
        {
            TelnyxEventProcessorLog.AnswerCodecAdapted(logger, registration.CallId, options.Value.Codec, codec);
        }

        var stream = new TelnyxStreamSettings(
            TelnyxMediaUrl.Build(publicWebSocketBase, registration.CallId, registration.Token), codec);
        var work = new TelnyxAnswerWork(controlId, NewCommandId(), registration.CallId, stream);
        if (!commands.TryEnqueue(work))
        {
            tracker.TryRemove(controlId, registration.CallId);
            registry.Release(registration.CallId);
            await RemoveSeenAsync(initiatedKey).ConfigureAwait(false);
            TelnyxEventProcessorLog.QueueFull(logger, controlId);
            return TelnyxWebhookOutcome.Busy;
        }

        TelnyxEventProcessorLog.IncomingCall(logger, registration.CallId, controlId);
        return TelnyxWebhookOutcome.Handled;
    }

    private TelnyxWebhookOutcome OnAnswered(TelnyxWebhookEvent webhook)
    {
        if (webhook.CallControlId is { Length: > 0 } controlId && tracker.TryGet(controlId, out var call))
        {
            call.Answered = true;
            return TelnyxWebhookOutcome.Handled;
        }

        return TelnyxWebhookOutcome.Ignored;
    }

    private async ValueTask<TelnyxWebhookOutcome> OnHangupAsync(TelnyxWebhookEvent webhook, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(webhook.CallControlId))
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        // Remembered so that a call.initiated delivered after its own hangup is not answered.
        await TryAddSeenAsync("ended:" + webhook.CallControlId, cancellationToken).ConfigureAwait(false);
        if (!tracker.TryRemove(webhook.CallControlId, out var call))
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        // Ends the bridged call if its socket is open, or frees an entry whose socket never came.
        registry.Release(call.CallId);
        TelnyxEventProcessorLog.CallEnded(logger, call.CallId, webhook.CallControlId, webhook.HangupCause ?? "unknown");
        return TelnyxWebhookOutcome.Handled;
    }

    private TelnyxWebhookOutcome OnStreaming(TelnyxWebhookEvent webhook, TelnyxStreamingState state)
    {
        if (webhook.CallControlId is not { Length: > 0 } controlId || !tracker.TryGet(controlId, out var call))
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        // A late streaming.started must not undo a stop or failure that was delivered first.
        if (state == TelnyxStreamingState.Started && call.Streaming != TelnyxStreamingState.NotStarted)
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        call.Streaming = state;
        TelnyxEventProcessorLog.StreamingChanged(logger, call.CallId, state);
        return TelnyxWebhookOutcome.Handled;
    }

    private TelnyxWebhookOutcome OnStreamingFailed(TelnyxWebhookEvent webhook)
    {
        if (webhook.CallControlId is not { Length: > 0 } controlId || !tracker.TryGet(controlId, out var call))
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        call.Streaming = TelnyxStreamingState.Failed;
        TelnyxEventProcessorLog.StreamingFailed(logger, call.CallId, controlId, webhook.FailureReason ?? "unknown");

        // Without media the caller would sit in silence: end the call.
        return commands.TryEnqueue(new TelnyxHangupWork(controlId, NewCommandId(), "streaming failed"))
            ? TelnyxWebhookOutcome.Handled
            : TelnyxWebhookOutcome.Busy;
    }

    /// <summary>
    /// A detection verdict: found by <c>call_control_id</c> (tracker first, then the directory's provider ids) and
    /// handed to the call. Unknown calls are logged and acknowledged: a redelivery could not find them either.
    /// </summary>
    private TelnyxWebhookOutcome OnMachineDetection(TelnyxWebhookEvent webhook)
    {
        if (directory is null || webhook.CallControlId is not { Length: > 0 } controlId)
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        var providerResult = webhook.Result is { Length: > 0 } given ? given : "not_sure";
        var amd = CallAmd.Of(MapMachineDetection(webhook.EventType, providerResult), providerResult);
        LiveCall? call = null;
        var found = (tracker.TryGet(controlId, out var tracked) && directory.TryGet(tracked.CallId, out call))
            || directory.TryFindByProviderCallId(TelnyxProvider.Name, controlId, out call);
        if (!found || call is null)
        {
            TelnyxEventProcessorLog.MachineDetectionForUnknownCall(logger, webhook.EventType, controlId, amd.ProviderResult);
            return TelnyxWebhookOutcome.Ignored;
        }

        if (directory.ReportAmd(call, amd))
        {
            TelnyxEventProcessorLog.MachineDetection(logger, call.CallId, webhook.EventType, amd.Result, amd.ProviderResult);
        }

        return TelnyxWebhookOutcome.Handled;
    }

    /// <summary>
    /// Telnyx's <c>result</c> in the bridge's words. Detection ended: <c>human</c> (premium: <c>human_residence</c>,
    /// <c>human_business</c>), <c>machine</c>, <c>fax_detected</c>; <c>not_sure</c>, premium's <c>silence</c> and anything
    /// new are unknown. A greeting that ended (<c>beep_detected</c>, <c>ended</c>, <c>no_beep_detected</c>, even
    /// <c>not_sure</c>) is only sent after a machine was detected, so it is a machine.
    /// </summary>
    internal static string MapMachineDetection(string eventType, string result) =>
        eventType is TelnyxWebhookEvent.MachineGreetingEnded or TelnyxWebhookEvent.MachinePremiumGreetingEnded
            ? CallAmd.Machine
            : result switch
            {
                "human" or "human_residence" or "human_business" => CallAmd.Human,
                "machine" => CallAmd.Machine,
                "fax_detected" => CallAmd.Fax,
                _ => CallAmd.Unknown,
            };

    private static string NewCommandId() => Guid.NewGuid().ToString("N");

    /// <summary>First sight of <paramref name="key"/> here and, with a shared memory, on every instance.</summary>
    private async ValueTask<bool> TryAddSeenAsync(string key, CancellationToken cancellationToken)
    {
        if (!_seen.TryAdd(key))
        {
            return false;
        }

        if (shared is null)
        {
            return true;
        }

        try
        {
            return await shared.TryAddAsync(TelnyxProvider.Name, key, SeenLifetime, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The shared memory logged its failure; this instance's own memory decides meanwhile.
            return true;
        }
    }

    private async ValueTask<bool> ContainsSeenAsync(string key, CancellationToken cancellationToken)
    {
        if (_seen.Contains(key))
        {
            return true;
        }

        if (shared is null)
        {
            return false;
        }

        try
        {
            return await shared.ContainsAsync(TelnyxProvider.Name, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    private async ValueTask RemoveSeenAsync(string key)
    {
        _seen.Remove(key);
        if (shared is null)
        {
            return;
        }

        try
        {
            // Not the webhook's token: a retry must be let in even when this request was aborted.
            await shared.RemoveAsync(TelnyxProvider.Name, key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Left to expire; the provider's retry is then taken for a duplicate only on another instance.
        }
    }
}
