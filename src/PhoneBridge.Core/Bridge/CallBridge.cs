using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge.Hold;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Recording;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Bridge;

/// <summary>
/// Connects a claimed call's phone media stream to the edge call where the agent is, and owns the
/// call until either side ends it.
/// </summary>
public sealed class CallBridge
{
    public CallBridge(
        IEdge edge,
        ICallRegistry registry,
        BridgeCounters counters,
        IOptions<BridgeOptions> options,
        TimeProvider time,
        ILogger<CallBridge> logger,
        CallDirectory? directory = null,
        HoldAudio? holdAudio = null,
        CallRecorder? recorder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Edge = edge;
        Registry = registry;
        Counters = counters;
        Options = options.Value;
        Time = time;
        Logger = logger;
        Directory = directory;
        HoldAudio = holdAudio ?? HoldAudio.Chime;
        Recorder = recorder;
    }

    internal IEdge Edge { get; }

    internal ICallRegistry Registry { get; }

    internal BridgeCounters Counters { get; }

    internal BridgeOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    /// <summary>Where the call's state is shown (answered, ended with its reason); null outside a server.</summary>
    internal CallDirectory? Directory { get; }

    /// <summary>What held callers hear (<c>PhoneBridge:Hold:AudioFile</c>, or the built-in chime).</summary>
    internal HoldAudio HoldAudio { get; }

    /// <summary>Records calls when configured or asked to; null outside a server.</summary>
    internal CallRecorder? Recorder { get; }

    /// <summary>
    /// Runs the call: the phone stream's receive loop, the edge join once the stream has started, and
    /// audio, DTMF, clear and hangup between them. Completes when the call is over however it ended
    /// (either side, <paramref name="cancellationToken"/>, or the registry releasing the call); it does
    /// not throw for any of those. The registry entry is released at the end.
    /// </summary>
    /// <param name="call">The call claimed from the registry; its prepared result is disposed at the end.</param>
    /// <param name="phone">The provider media stream, not yet running.</param>
    /// <param name="phoneUserId">Edge user id of the phone participant; must not contain the raw number.</param>
    public async Task AttachPhoneToCallAsync(RegisteredCall call, IPhoneMediaStream phone, string phoneUserId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentException.ThrowIfNullOrEmpty(phoneUserId);

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.Ended);
        var bridged = new BridgedCall(this, call, phone, phoneUserId, lifetime);
        var started = Time.GetTimestamp();
        Counters.CallStarted(phone.Provider, Edge.Name, call.Info.Direction);
        BridgeLog.Attached(Logger, call.CallId, phone.Provider, Edge.Name);
        var reason = "bridge failed";
        try
        {
            reason = await bridged.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            Directory?.End(call.CallId, reason);
            Registry.Release(call.CallId);
            Counters.CallEnded(phone.Provider, Edge.Name, call.Info.Direction, reason, Time.GetElapsedTime(started));
        }

        BridgeLog.Ended(Logger, call.CallId, reason);
    }

    /// <summary>
    /// The edge session for a started phone stream: the one joined at registration when it fits the stream (same
    /// rate and participant; a join still running is waited for), else a join now. The early session is attached to
    /// <paramref name="handler"/> before it is returned, like a fresh one.
    /// </summary>
    internal async Task<IEdgeSession> JoinEdgeAsync(RegisteredCall call, EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
    {
        if (call.EdgeJoin is { } early
            && await early.TakeAsync(request.SampleRate, request.ParticipantId, handler, cancellationToken).ConfigureAwait(false) is { } session)
        {
            return session;
        }

        return await Edge.JoinAsync(request, handler, cancellationToken).ConfigureAwait(false);
    }
}
