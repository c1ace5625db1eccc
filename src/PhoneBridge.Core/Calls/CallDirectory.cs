using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// The calls of this instance, from registration (<see cref="CallState.Ringing"/>) to release: the registry adds and
/// removes them, the bridge marks them answered. Each change of state is published once as a <c>phone.call</c> event.
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

    /// <summary>The media stream started.</summary>
    public void MarkAnswered(string callId)
    {
        if (_calls.TryGetValue(callId, out var call) && call.Advance(CallState.Answered))
        {
            events.Publish(call, new PhoneCallEvent(callId, "answered"));
        }
    }

    /// <summary>Ends and removes the call; <paramref name="reason"/> is the first one given (the bridge's, before the registry's).</summary>
    public void End(string callId, string reason)
    {
        if (_calls.TryGetValue(callId, out var call) && call.Advance(CallState.Ended))
        {
            call.AttachMedia(null);
            events.Publish(call, new PhoneCallEvent(callId, "ended", reason));
        }

        _calls.TryRemove(callId, out _);
    }

    /// <summary>Tells the call's edge call something else (transfer, hold).</summary>
    public void Publish(LiveCall call, CallEvent callEvent) => events.Publish(call, callEvent);
}
