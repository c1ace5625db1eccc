using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// The calls of this instance, from registration (<see cref="CallState.Ringing"/>) to release: the registry adds and
/// removes them, the bridge marks them answered. Each change of state is published once as a <c>phone.call</c> event;
/// a warm-transfer leg (<see cref="CallInfo.LinkedCallId"/>) also moves its call's transfer on (<c>phone.transfer</c>
/// answered when its media starts; completed when it ends answered, failed when it ends unanswered).
/// </summary>
public sealed class CallDirectory(ICallEventPublisher events)
{
    private readonly ConcurrentDictionary<string, LiveCall> _calls = new(StringComparer.Ordinal);

    public int Count => _calls.Count;

    public IEnumerable<LiveCall> Calls => _calls.Values;

    public bool TryGet(string callId, [NotNullWhen(true)] out LiveCall? call) => _calls.TryGetValue(callId, out call);

    /// <summary>Adds a freshly registered call and publishes it ringing.</summary>
    public LiveCall Add(CallInfo info)
    {
        var call = new LiveCall(info);
        _calls[info.CallId] = call;
        events.Publish(call, new PhoneCallEvent(call.CallId, "ringing"));
        return call;
    }

    /// <summary>
    /// Lists a call registered by another instance whose media socket this one claimed (a shared registry): nothing is
    /// published, the registering instance announced it ringing. A call already listed is left as it is.
    /// </summary>
    public LiveCall Adopt(CallInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return _calls.GetOrAdd(info.CallId, static (_, i) => new LiveCall(i), info);
    }

    /// <summary>
    /// Drops a call another instance now owns (its media socket was claimed there): nothing is published, the call
    /// goes on and its owner lists it. False when it was not listed.
    /// </summary>
    public bool Forget(string callId) => _calls.TryRemove(callId, out _);

    /// <summary>The media stream started.</summary>
    public void MarkAnswered(string callId)
    {
        if (_calls.TryGetValue(callId, out var call) && call.Advance(CallState.Answered))
        {
            events.Publish(call, new PhoneCallEvent(callId, "answered"));
            if (call.Info.LinkedCallId is not null)
            {
                AdvanceLinkedTransfer(call, CallTransferState.Answered, reason: null, legEnded: false);
            }
        }
    }

    /// <summary>Ends and removes the call; <paramref name="reason"/> is the first one given (the management API's or the bridge's, before the registry's).</summary>
    public void End(string callId, string reason)
    {
        if (_calls.TryGetValue(callId, out var call) && call.State is var before && call.Advance(CallState.Ended))
        {
            call.AttachMedia(null);
            events.Publish(call, new PhoneCallEvent(callId, "ended", reason));
            if (call.Info.LinkedCallId is not null)
            {
                AdvanceLinkedTransfer(call, before == CallState.Answered ? CallTransferState.Completed : CallTransferState.Failed, reason, legEnded: true);
            }
        }

        _calls.TryRemove(callId, out _);
    }

    /// <summary>Tells the call's edge call something else (transfer, hold).</summary>
    public void Publish(LiveCall call, CallEvent callEvent) => events.Publish(call, callEvent);

    /// <summary>
    /// Tells the linked call's warm transfer what its leg did. While the provider has not yet answered the dial
    /// (no leg bound), an ending leg is left to the dial's outcome, which knows the provider's reason; an answered
    /// one binds itself. When the linked call is gone the event still reaches the edge call through the leg.
    /// </summary>
    private void AdvanceLinkedTransfer(LiveCall leg, CallTransferState state, string? reason, bool legEnded)
    {
        var linkedCallId = leg.Info.LinkedCallId!;
        if (!_calls.TryGetValue(linkedCallId, out var linked))
        {
            events.Publish(leg, new PhoneTransferEvent(linkedCallId, "warm", CallTransfer.StateName(state), state == CallTransferState.Failed ? reason : null, leg.CallId));
            return;
        }

        if (linked.Transfer is not { Mode: CallTransferMode.Warm } transfer)
        {
            return;
        }

        var bound = legEnded
            ? string.Equals(transfer.LegCallId, leg.CallId, StringComparison.Ordinal)
            : transfer.TryBindLeg(leg.CallId);
        if (!bound)
        {
            return;
        }

        if (legEnded)
        {
            // Ended after its media started: the human was there and has left. Before that: nobody answered.
            state = transfer.State == CallTransferState.Answered || state == CallTransferState.Completed
                ? CallTransferState.Completed
                : CallTransferState.Failed;
        }

        if (transfer.Advance(state))
        {
            events.Publish(linked, new PhoneTransferEvent(linked.CallId, "warm", CallTransfer.StateName(state), state == CallTransferState.Failed ? reason : null, leg.CallId));
        }
    }
}
