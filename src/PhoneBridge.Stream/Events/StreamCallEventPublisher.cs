using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Privacy;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Edge;

namespace PhoneBridge.Stream.Events;

/// <summary>
/// Tells each call's Stream call what happened to the phone: every <see cref="CallEvent"/> becomes a Stream
/// <c>custom</c> event (like the caller's <c>phone.dtmf</c>) sent as the phone's user, with exactly the fields
/// <c>{"type":"phone.call","callId","state","reason"?}</c>, <c>{"type":"phone.transfer","callId","mode","state","reason"?,"legCallId"?}</c>
/// <c>{"type":"phone.hold","callId","held"}</c>, <c>{"type":"phone.amd","callId","result","providerResult"}</c> and
/// <c>{"type":"phone.recording","callId","state"}</c>.
/// <para>
/// <see cref="Publish"/> never blocks and never throws: events wait in one bounded queue read by a single sender, so
/// they reach Stream in the order they were published (across calls too). A full queue drops the new event; a
/// failed send is not retried (custom events are not idempotent). Both are logged once until events flow again.
/// The queue is drained when the host has stopped, within its shutdown budget.
/// </para>
/// <para>
/// <c>ringing</c> is published at registration, before anyone joined the Stream call, and Stream refuses an event
/// for a call that does not exist yet (HTTP 404, code 16, "Can't find call with id …") or from a user it does not
/// know. So before a call's first event the sender writes the phone's user (its name and <c>custom.phone</c>, with a
/// partial update that keeps other custom data, creating the user only when it does not exist) and gets-or-creates the
/// call (both idempotent, the same the join does a moment later). Holding the events until the phone joined was the other
/// way; it was not taken because the agent is launched at webhook time and may already be in the call, a call
/// that never connects would never tell it so, and the early join does not wait for the media socket either.
/// </para>
/// </summary>
public sealed class StreamCallEventPublisher : ICallEventPublisher, IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>Events waiting to be sent, over every call of this instance.</summary>
    public const int DefaultCapacity = 1024;

    private readonly StreamCoordinatorClient _coordinator;
    private readonly IOptionsMonitor<StreamOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StreamCallEventPublisher> _logger;
    private readonly Channel<Pending> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sender;

    // Calls whose user and Stream call were made ready; only the sender touches it.
    private readonly HashSet<string> _ready = new(StringComparer.Ordinal);
    private int _stopped;
    private int _disposed;
    private int _dropping;
    private long _dropped;
    private int _failing;
    private long _failed;

    public StreamCallEventPublisher(
        StreamCoordinatorClient coordinator,
        IOptionsMonitor<StreamOptions> options,
        TimeProvider time,
        ILogger<StreamCallEventPublisher> logger)
        : this(coordinator, options, time, logger, DefaultCapacity)
    {
    }

    internal StreamCallEventPublisher(
        StreamCoordinatorClient coordinator,
        IOptionsMonitor<StreamOptions> options,
        TimeProvider time,
        ILogger<StreamCallEventPublisher> logger,
        int capacity)
    {
        _coordinator = coordinator;
        _options = options;
        _time = time;
        _logger = logger;
        Capacity = capacity;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _sender = Task.Run(SendLoopAsync);
    }

    public int Capacity { get; }

    /// <summary>How long one request to the coordinator may take before the event counts as failed.</summary>
    internal TimeSpan SendTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public void Publish(LiveCall call, CallEvent callEvent)
    {
        if (call?.EdgeCall is not { } edgeCall || callEvent is null || Volatile.Read(ref _stopped) == 1)
        {
            return;
        }

        // Numbers are read here, not by the sender: only the masked display name and the phone's custom data (masked
        // unless Stream:ShowFullNumber) leave this method.
        var phone = PhoneCustomData.Build(call.Info, call.ProviderCallId ?? call.Info.ProviderCallId, call.Info.CustomParameters, _options.CurrentValue);
        var pending = new Pending(call.CallId, edgeCall, DisplayName(call.Info.From), phone, callEvent);
        if (_queue.Writer.TryWrite(pending))
        {
            return;
        }

        Interlocked.Increment(ref _dropped);
        if (Interlocked.Exchange(ref _dropping, 1) == 0)
        {
            StreamCallEventPublisherLog.Dropped(_logger, Capacity, callEvent.Type, call.CallId);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Calls end while the server stops (their ended events are still to be told), so the queue closes only after.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Once every service has stopped (the calls have ended), sends what is queued until
    /// <paramref name="cancellationToken"/> (the host's shutdown budget) fires, then gives up on the rest.
    /// </summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _stopped, 1);
        _queue.Writer.TryComplete();
        try
        {
            await _sender.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _sender.ConfigureAwait(false);
        }
    }

    /// <summary>Stops at once; idempotent (the container disposes it once per registration that hands it out).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Volatile.Write(ref _stopped, 1);
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sender.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>The event's custom data, exactly the documented fields.</summary>
    internal static Dictionary<string, JsonElement> Custom(CallEvent callEvent)
    {
        var custom = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["type"] = Json(callEvent.Type),
            ["callId"] = Json(callEvent.CallId),
        };
        switch (callEvent)
        {
            case PhoneCallEvent e:
                custom["state"] = Json(e.State);
                AddIfSet(custom, "reason", e.Reason);
                break;
            case PhoneTransferEvent e:
                custom["mode"] = Json(e.Mode);
                custom["state"] = Json(e.State);
                AddIfSet(custom, "reason", e.Reason);
                AddIfSet(custom, "legCallId", e.LegCallId);
                break;
            case PhoneHoldEvent e:
                custom["held"] = JsonSerializer.SerializeToElement(e.Held, CallEventJsonContext.Default.Boolean);
                break;
            case PhoneAmdEvent e:
                custom["result"] = Json(e.Result);
                custom["providerResult"] = Json(e.ProviderResult);
                break;
            case PhoneRecordingEvent e:
                custom["state"] = Json(e.State);
                break;
        }

        return custom;
    }

    /// <summary>The phone's Stream user: the same id the bridge joins with (its participant id is <c>phone-</c> and the call id).</summary>
    internal static string PhoneUserId(string callId, StreamOptions options) => StreamEdge.PhoneUserId("phone-" + callId, options);

    private static string DisplayName(string? from) =>
        string.IsNullOrEmpty(from) ? "Phone caller" : $"Phone {Redaction.MaskPhoneNumber(from)}";

    private static void AddIfSet(Dictionary<string, JsonElement> custom, string name, string? value)
    {
        if (value is not null)
        {
            custom[name] = Json(value);
        }
    }

    private static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value, CallEventJsonContext.Default.String);

    private async Task SendLoopAsync()
    {
        StreamCoordinatorClient.CallerLogsErrors();
        var stop = _stop.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var pending))
                {
                    await SendAsync(pending, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            var left = 0;
            while (_queue.Reader.TryRead(out _))
            {
                left++;
            }

            if (left > 0)
            {
                StreamCallEventPublisherLog.Abandoned(_logger, left);
            }
        }
    }

    private async Task SendAsync(Pending pending, CancellationToken stop)
    {
        var options = _options.CurrentValue;
        var (callType, streamCallId) = (pending.EdgeCall.Type, pending.EdgeCall.Id);
        var userId = PhoneUserId(pending.CallId, options);
        using var timeout = new CancellationTokenSource(SendTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            if (!_ready.Contains(pending.CallId))
            {
                // An ended event that was dropped leaves its call here; forgetting every call now and then only
                // costs the two idempotent requests again.
                if (_ready.Count >= 4 * Capacity)
                {
                    _ready.Clear();
                }

                await _coordinator.SetUserAsync(userId, pending.DisplayName, StreamEdge.PhoneOnly(pending.Phone), linked.Token).ConfigureAwait(false);
                await _coordinator.GetOrCreateCallAsync(callType, streamCallId, userId, linked.Token).ConfigureAwait(false);
                _ready.Add(pending.CallId);
            }

            await _coordinator.SendCustomEventAsync(callType, streamCallId, userId, Custom(pending.Event), linked.Token).ConfigureAwait(false);
            OnSent();
        }
        catch (Exception e) when (e is StreamApiException || (e is OperationCanceledException && !stop.IsCancellationRequested))
        {
            OnFailed(pending, callType, streamCallId, e is StreamApiException ? e.Message : "timed out");
        }
        finally
        {
            if (pending.Event is PhoneCallEvent { State: "ended" })
            {
                _ready.Remove(pending.CallId);
            }
        }
    }

    private void OnSent()
    {
        // Drops and failures are each logged once per stretch: the stretch ends when an event gets through.
        Volatile.Write(ref _dropping, 0);
        if (Interlocked.Exchange(ref _failing, 0) == 1 || Volatile.Read(ref _dropped) > 0)
        {
            StreamCallEventPublisherLog.FlowingAgain(_logger, Interlocked.Exchange(ref _dropped, 0), Interlocked.Exchange(ref _failed, 0));
        }
    }

    private void OnFailed(Pending pending, string callType, string streamCallId, string reason)
    {
        Interlocked.Increment(ref _failed);
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            StreamCallEventPublisherLog.Failed(_logger, pending.Event.Type, pending.CallId, callType, streamCallId, reason);
        }
        else
        {
            StreamCallEventPublisherLog.NotSent(_logger, pending.Event.Type, pending.CallId, reason);
        }
    }

    private sealed record Pending(string CallId, EdgeCallAddress EdgeCall, string DisplayName, JsonElement Phone, CallEvent Event);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
internal sealed partial class CallEventJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
