using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.CallControl;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>
/// Acts on verified Call Control webhooks. Telnyx may deliver an event twice, concurrently or out of order,
/// so every decision is keyed (event id, call_control_id) in a bounded expiring memory and only cheap work
/// happens here; REST commands go to the background queue.
/// </summary>
internal sealed partial class TelnyxEventProcessor(
    ICallRegistry registry,
    TelnyxCallTracker tracker,
    TelnyxCommandQueue commands,
    IOptions<TelnyxOptions> options,
    TimeProvider timeProvider,
    ILogger<TelnyxEventProcessor> logger)
{
    public const int SeenCapacity = 8192;

    /// <summary>Longer than Telnyx keeps retrying a webhook, so a late duplicate is still recognised.</summary>
    public static readonly TimeSpan SeenLifetime = TimeSpan.FromMinutes(30);

    private readonly ExpiringKeySet _seen = new(SeenCapacity, SeenLifetime, timeProvider);

    public TelnyxWebhookOutcome Handle(TelnyxWebhookEvent webhook, Uri publicWebSocketBase)
    {
        var eventKey = webhook.Id is { Length: > 0 } id ? "event:" + id : null;
        if (eventKey is not null && !_seen.TryAdd(eventKey))
        {
            Log.DuplicateEvent(logger, webhook.EventType, webhook.CallControlId);
            return TelnyxWebhookOutcome.Duplicate;
        }

        var outcome = webhook.EventType switch
        {
            TelnyxWebhookEvent.CallInitiated => OnInitiated(webhook, publicWebSocketBase),
            TelnyxWebhookEvent.CallAnswered => OnAnswered(webhook),
            TelnyxWebhookEvent.CallHangup => OnHangup(webhook),
            TelnyxWebhookEvent.StreamingStarted => OnStreaming(webhook, TelnyxStreamingState.Started),
            TelnyxWebhookEvent.StreamingStopped => OnStreaming(webhook, TelnyxStreamingState.Stopped),
            TelnyxWebhookEvent.StreamingFailed => OnStreamingFailed(webhook),
            _ => TelnyxWebhookOutcome.Ignored,
        };

        if (outcome == TelnyxWebhookOutcome.Busy && eventKey is not null)
        {
            _seen.Remove(eventKey);
        }

        return outcome;
    }

    private TelnyxWebhookOutcome OnInitiated(TelnyxWebhookEvent webhook, Uri publicWebSocketBase)
    {
        if (!webhook.IsIncoming || string.IsNullOrEmpty(webhook.CallControlId))
        {
            // Our own dials report call.initiated too; they are already registered and tracked.
            return TelnyxWebhookOutcome.Ignored;
        }

        var controlId = webhook.CallControlId;
        if (_seen.Contains("ended:" + controlId))
        {
            Log.InitiatedAfterHangup(logger, controlId);
            return TelnyxWebhookOutcome.Ignored;
        }

        var initiatedKey = "initiated:" + controlId;
        if (!_seen.TryAdd(initiatedKey))
        {
            Log.DuplicateEvent(logger, webhook.EventType, controlId);
            return TelnyxWebhookOutcome.Duplicate;
        }

        CallRegistration registration;
        try
        {
            registration = registry.Register(new CallRegistrationRequest(TelnyxProvider.Name, controlId, webhook.From, webhook.To));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            _seen.Remove(initiatedKey);
            Log.RegistrationRefused(logger, controlId, e.Message);
            return TelnyxWebhookOutcome.Busy;
        }

        if (!tracker.TryAdd(controlId, registration.CallId, outbound: false, out _))
        {
            registry.Release(registration.CallId);
            return TelnyxWebhookOutcome.Duplicate;
        }

        var codec = TelnyxStreamSettings.AnswerCodec(options.Value.Codec);
        if (codec != options.Value.Codec)
        {
            Log.AnswerCodecAdapted(logger, registration.CallId, options.Value.Codec, codec);
        }

        var stream = new TelnyxStreamSettings(
            TelnyxMediaUrl.Build(publicWebSocketBase, registration.CallId, registration.Token), codec);
        var work = new TelnyxAnswerWork(controlId, NewCommandId(), registration.CallId, stream);
        if (!commands.TryEnqueue(work))
        {
            tracker.TryRemove(controlId, registration.CallId);
            registry.Release(registration.CallId);
            _seen.Remove(initiatedKey);
            Log.QueueFull(logger, controlId);
            return TelnyxWebhookOutcome.Busy;
        }

        Log.IncomingCall(logger, registration.CallId, controlId);
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

    private TelnyxWebhookOutcome OnHangup(TelnyxWebhookEvent webhook)
    {
        if (string.IsNullOrEmpty(webhook.CallControlId))
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        // Remembered so that a call.initiated delivered after its own hangup is not answered.
        _seen.TryAdd("ended:" + webhook.CallControlId);
        if (!tracker.TryRemove(webhook.CallControlId, out var call))
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        // Ends the bridged call if its socket is open, or frees an entry whose socket never came.
        registry.Release(call.CallId);
        Log.CallEnded(logger, call.CallId, webhook.CallControlId, webhook.HangupCause ?? "unknown");
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
        Log.StreamingChanged(logger, call.CallId, state);
        return TelnyxWebhookOutcome.Handled;
    }

    private TelnyxWebhookOutcome OnStreamingFailed(TelnyxWebhookEvent webhook)
    {
        if (webhook.CallControlId is not { Length: > 0 } controlId || !tracker.TryGet(controlId, out var call))
        {
            return TelnyxWebhookOutcome.Ignored;
        }

        call.Streaming = TelnyxStreamingState.Failed;
        Log.StreamingFailed(logger, call.CallId, controlId, webhook.FailureReason ?? "unknown");

        // Without media the caller would sit in silence: end the call.
        return commands.TryEnqueue(new TelnyxHangupWork(controlId, NewCommandId(), "streaming failed"))
            ? TelnyxWebhookOutcome.Handled
            : TelnyxWebhookOutcome.Busy;
    }

    private static string NewCommandId() => Guid.NewGuid().ToString("N");

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Incoming Telnyx call {CallId} ({CallControlId}) registered; answering")]
        public static partial void IncomingCall(ILogger logger, string callId, string callControlId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Duplicate Telnyx {EventType} for {CallControlId} ignored")]
        public static partial void DuplicateEvent(ILogger logger, string eventType, string? callControlId);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Telnyx call.initiated for {CallControlId} arrived after its hangup; not answering")]
        public static partial void InitiatedAfterHangup(ILogger logger, string callControlId);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Telnyx call {CallControlId} could not be registered: {Reason}")]
        public static partial void RegistrationRefused(ILogger logger, string callControlId, string reason);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Telnyx command queue full; call {CallControlId} not answered now (Telnyx will retry the webhook)")]
        public static partial void QueueFull(ILogger logger, string callControlId);

        [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Telnyx call {CallId} ({CallControlId}) hung up: {Cause}")]
        public static partial void CallEnded(ILogger logger, string callId, string callControlId, string cause);

        [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Telnyx call {CallId} streaming {State}")]
        public static partial void StreamingChanged(ILogger logger, string callId, TelnyxStreamingState state);

        [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Telnyx media streaming failed for call {CallId} ({CallControlId}): {Reason}; hanging up")]
        public static partial void StreamingFailed(ILogger logger, string callId, string callControlId, string reason);

        [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Telnyx call {CallId} is answered streaming {Codec}, not the configured {Configured}: answer cannot set the two-way sampling rate (dialed calls keep it)")]
        public static partial void AnswerCodecAdapted(ILogger logger, string callId, TelnyxCodec configured, TelnyxCodec codec);
    }
}
